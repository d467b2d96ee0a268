// Alerts (src-tauri/src/commands/alerts.rs): rules, fired history, notification permission.
import type { AlertEvent } from "./bindings/AlertEvent";
import type { AlertRule } from "./bindings/AlertRule";
import type { FiredAlert } from "./bindings/FiredAlert";
import type { NotificationPermission } from "./bindings/NotificationPermission";
import { call } from "./ipc";

export type { AlertEvent, AlertRule, FiredAlert, NotificationPermission };

export function listAlerts(): Promise<AlertRule[]> {
  return call<AlertRule[]>("list_alerts");
}

export function alertHistory(limit = 50): Promise<AlertEvent[]> {
  return call<AlertEvent[]>("alert_history", { limit });
}

export function notificationPermission(): Promise<NotificationPermission> {
  return call<NotificationPermission>("notification_permission");
}
