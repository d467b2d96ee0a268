-- A new alert kind (issue 19): a watched wallet's balance changed. SQLite cannot change a CHECK,
-- so the rules table is rebuilt with the same ids, in the migration's one transaction. sqlx runs
-- every SQLite migration in a transaction, where foreign keys cannot be switched off, so they are
-- deferred to the commit instead, and the history's links to its rules (which dropping the old
-- table sets to NULL) are kept aside and put back.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE alert_event_links AS
    SELECT id, alert_id FROM alert_events WHERE alert_id IS NOT NULL;
CREATE TABLE alerts_rebuilt (
    id            INTEGER PRIMARY KEY,
    kind          TEXT    NOT NULL CHECK (kind IN ('price_above', 'price_below', 'change_up',
                      'change_down', 'change_either', 'portfolio_above', 'portfolio_below',
                      'holding_above', 'holding_below', 'wallet_changed')),
    -- The coin, for price, change and holding rules.
    asset_id      TEXT    REFERENCES assets (id),
    -- One account for holding rules (NULL: the coin across every account); the wallet's account
    -- for wallet rules.
    account       TEXT,
    vs_currency   TEXT    NOT NULL,
    -- A level (price or value) or, for change rules, a percentage; 0 for wallet rules.
    threshold     TEXT    NOT NULL,
    note          TEXT,
    repeating     INTEGER NOT NULL DEFAULT 1,
    cooldown_secs INTEGER NOT NULL DEFAULT 0,
    paused        INTEGER NOT NULL DEFAULT 0,
    snoozed_until INTEGER,
    armed         INTEGER,
    done          INTEGER NOT NULL DEFAULT 0,
    last_fired_at INTEGER,
    created_at    INTEGER NOT NULL,
    identity      TEXT    NOT NULL UNIQUE,
    channels      TEXT
);
INSERT INTO alerts_rebuilt (id, kind, asset_id, account, vs_currency, threshold, note, repeating,
    cooldown_secs, paused, snoozed_until, armed, done, last_fired_at, created_at, identity,
    channels)
SELECT id, kind, asset_id, account, vs_currency, threshold, note, repeating, cooldown_secs,
    paused, snoozed_until, armed, done, last_fired_at, created_at, identity, channels
FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_rebuilt RENAME TO alerts;
UPDATE alert_events
SET alert_id = (SELECT l.alert_id FROM alert_event_links l WHERE l.id = alert_events.id)
WHERE id IN (SELECT id FROM alert_event_links);
DROP TABLE alert_event_links;
