-- Every attempt to deliver a fired alert beyond the desktop (ntfy, a webhook), for the delivery
-- log in the app and `alerts history`. Channels and their secrets are settings rows.
CREATE TABLE alert_deliveries (
    id INTEGER PRIMARY KEY,
    alert_id INTEGER,
    channel TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT,
    message TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX alert_deliveries_by_time ON alert_deliveries (at DESC);
