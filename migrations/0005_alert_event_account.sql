-- The account a holding alert watched, kept with each fired alert so the history can be written
-- anew (with coin names and the reader's number format) even after its rule is deleted.
ALTER TABLE alert_events ADD COLUMN account TEXT;
UPDATE alert_events
SET account = (SELECT alerts.account FROM alerts WHERE alerts.id = alert_events.alert_id);
