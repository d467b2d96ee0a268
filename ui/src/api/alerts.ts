// Alerts (src-tauri/src/commands/alerts.rs): rules, fired history, notification permission.
import {
  commands,
  type AlertChange,
  type AlertEvent,
  type AlertKind,
  type AlertRule,
  type FiredAlert,
  type NewAlert,
  type NotificationPermission,
} from "./bindings/contract";
import { unwrap } from "./ipc";

export type {
  AlertChange,
  AlertEvent,
  AlertKind,
  AlertRule,
  FiredAlert,
  NewAlert,
  NotificationPermission,
};

export function listAlerts(): Promise<AlertRule[]> {
  return unwrap(commands.listAlerts());
}

export function alertHistory(limit = 50): Promise<AlertEvent[]> {
  return unwrap(commands.alertHistory(limit));
}

export function notificationPermission(): Promise<NotificationPermission> {
  return unwrap(commands.notificationPermission());
}

export function addAlert(alert: NewAlert): Promise<AlertRule> {
  return unwrap(commands.addAlert(alert));
}

export function updateAlert(id: number, change: AlertChange): Promise<AlertRule> {
  return unwrap(commands.updateAlert(id, change));
}

export async function deleteAlert(id: number): Promise<void> {
  await unwrap(commands.deleteAlert(id));
}

export function alertsPaused(): Promise<boolean> {
  return unwrap(commands.alertsPaused());
}

export async function setAlertsPaused(paused: boolean): Promise<void> {
  await unwrap(commands.setAlertsPaused(paused));
}
