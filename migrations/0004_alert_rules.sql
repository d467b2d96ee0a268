-- Alerts as built (design.md section 6): the first schema's alert tables were never used, so they
-- are replaced by rules with their own evaluation state and a self-contained history.

DROP TABLE alert_events;
DROP TABLE alerts;

CREATE TABLE alerts (
    id            INTEGER PRIMARY KEY,
    kind          TEXT    NOT NULL CHECK (kind IN ('price_above', 'price_below', 'change_up',
                      'change_down', 'change_either', 'portfolio_above', 'portfolio_below',
                      'holding_above', 'holding_below')),
    -- The coin, for price, change and holding rules.
    asset_id      TEXT    REFERENCES assets (id),
    -- One account for holding rules; NULL means the coin across every account.
    account       TEXT,
    vs_currency   TEXT    NOT NULL,
    -- A level (price or value) or, for change rules, a percentage.
    threshold     TEXT    NOT NULL,
    note          TEXT,
    repeating     INTEGER NOT NULL DEFAULT 1,
    cooldown_secs INTEGER NOT NULL DEFAULT 0,
    paused        INTEGER NOT NULL DEFAULT 0,
    snoozed_until INTEGER,
    -- Evaluation state: NULL until first seen; 1 waiting for the condition; 0 fired, waiting to
    -- clear the hysteresis band; 'done' one-shot rules never fire again.
    armed         INTEGER,
    done          INTEGER NOT NULL DEFAULT 0,
    last_fired_at INTEGER,
    created_at    INTEGER NOT NULL,
    -- The same rule twice is refused (NULL-free key so SQLite's UNIQUE sees duplicates).
    identity      TEXT    NOT NULL UNIQUE
);

-- Fired alerts; kept when the rule is deleted, so the history stays readable.
CREATE TABLE alert_events (
    id          INTEGER PRIMARY KEY,
    alert_id    INTEGER REFERENCES alerts (id) ON DELETE SET NULL,
    fired_at    INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    asset_id    TEXT,
    vs_currency TEXT    NOT NULL,
    threshold   TEXT    NOT NULL,
    observed    TEXT    NOT NULL,
    message     TEXT    NOT NULL
);
CREATE INDEX alert_events_by_time ON alert_events (fired_at);
