// Alerts (src-tauri/src/commands/alerts.rs): rules, fired history, notification permission.
import type { AlertChange } from "./bindings/AlertChange";
import type { AlertEvent } from "./bindings/AlertEvent";
import type { AlertKind } from "./bindings/AlertKind";
import type { AlertRule } from "./bindings/AlertRule";
import type { FiredAlert } from "./bindings/FiredAlert";
import type { NewAlert } from "./bindings/NewAlert";
import type { NotificationPermission } from "./bindings/NotificationPermission";
import { call } from "./ipc";

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
  return call<AlertRule[]>("list_alerts");
}

export function alertHistory(limit = 50): Promise<AlertEvent[]> {
  return call<AlertEvent[]>("alert_history", { limit });
}

export function notificationPermission(): Promise<NotificationPermission> {
  return call<NotificationPermission>("notification_permission");
}

export function addAlert(alert: NewAlert): Promise<AlertRule> {
  return call<AlertRule>("add_alert", { alert });
}

export function updateAlert(id: number, change: AlertChange): Promise<AlertRule> {
  return call<AlertRule>("update_alert", { id, change });
}

export async function deleteAlert(id: number): Promise<void> {
  await call<null>("delete_alert", { id });
}

export function alertsPaused(): Promise<boolean> {
  return call<boolean>("alerts_paused");
}

export async function setAlertsPaused(paused: boolean): Promise<void> {
  await call<null>("set_alerts_paused", { paused });
}
