// Alerts (src-tauri/src/commands/alerts.rs): rules, fired history, notification permission.
import {
  commands,
  type AlertChange,
  type AlertEvent,
  type AlertKind,
  type AlertRule,
  type ChannelKind,
  type Channels,
  type ChannelsChange,
  type ChannelsSaved,
  type Delivery,
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
  ChannelKind,
  Channels,
  ChannelsChange,
  ChannelsSaved,
  Delivery,
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

/** Where alerts go besides the desktop: an ntfy topic, a webhook, and privacy mode. */
export function alertChannels(): Promise<Channels> {
  return unwrap(commands.alertChannels());
}

/** Saves a change; the answer carries the webhook's signing secret once, when it was made. */
export function updateAlertChannels(change: ChannelsChange): Promise<ChannelsSaved> {
  return unwrap(commands.updateAlertChannels(change));
}

/** The webhook's signing secret, for setting up the receiver. */
export function webhookSecret(): Promise<string | null> {
  return unwrap(commands.webhookSecret());
}

/** Sends a test message to every channel; each attempt as it went. */
export function sendTestAlert(): Promise<Delivery[]> {
  return unwrap(commands.sendTestAlert());
}

/** Each attempt to send an alert to ntfy or a webhook, newest first. */
export function alertDeliveries(limit = 20): Promise<Delivery[]> {
  return unwrap(commands.alertDeliveries(limit));
}
