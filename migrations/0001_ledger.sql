-- The ledger and everything around it (design.md section 3). Amounts, prices and values are exact
-- decimal TEXT written by the app (never REAL); times are Unix seconds (UTC).

CREATE TABLE accounts (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    kind       TEXT    NOT NULL CHECK (kind IN ('exchange', 'wallet', 'manual')),
    created_at INTEGER NOT NULL
);

-- Coins by CoinGecko id, and fiat currencies by lower-case ISO code.
CREATE TABLE assets (
    id     TEXT PRIMARY KEY,
    symbol TEXT NOT NULL,
    name   TEXT NOT NULL,
    kind   TEXT NOT NULL CHECK (kind IN ('coin', 'fiat'))
);
CREATE INDEX assets_by_symbol ON assets (symbol COLLATE NOCASE);

-- A group of entries written together (a manual change, an import, a removal), undone together.
CREATE TABLE batches (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('manual', 'import', 'removal')),
    description TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    undone_at   INTEGER
);

CREATE TABLE entries (
    id             INTEGER PRIMARY KEY,
    batch_id       INTEGER NOT NULL REFERENCES batches (id),
    account_id     INTEGER NOT NULL REFERENCES accounts (id),
    asset_id       TEXT    NOT NULL REFERENCES assets (id),
    amount         TEXT    NOT NULL,
    kind           TEXT    NOT NULL CHECK (kind IN ('buy', 'sell', 'deposit', 'withdrawal',
                                   'transfer', 'fee', 'reward', 'adjustment')),
    occurred_at    INTEGER NOT NULL,
    price          TEXT,
    price_currency TEXT REFERENCES assets (id),
    fiat_value     TEXT,
    note           TEXT,
    -- importer + stable row id or row hash: importing the same row twice adds nothing
    source         TEXT    NOT NULL UNIQUE,
    CHECK ((price IS NULL) = (price_currency IS NULL))
);
-- No further indexes: listing reads `balances`, and only an undo scans entries by batch or
-- position. Each index would slow every import (the hot path) for a rare operation.

-- Holdings derived from entries, kept in step in the same transaction as every entry change so
-- listing never sums the whole ledger. `core` can rebuild it from entries at any time.
CREATE TABLE balances (
    account_id    INTEGER NOT NULL REFERENCES accounts (id),
    asset_id      TEXT    NOT NULL REFERENCES assets (id),
    amount        TEXT    NOT NULL,
    cost_currency TEXT,          -- NULL: no priced entry; '*': priced in several currencies
    costed_amount TEXT    NOT NULL DEFAULT '0',
    cost_total    TEXT    NOT NULL DEFAULT '0',
    PRIMARY KEY (account_id, asset_id)
) WITHOUT ROWID;

CREATE TABLE rates (
    asset_id        TEXT    NOT NULL REFERENCES assets (id),
    vs_currency     TEXT    NOT NULL,
    price           TEXT    NOT NULL,
    change_24h      TEXT,
    last_updated_at INTEGER,
    fetched_at      INTEGER NOT NULL,
    PRIMARY KEY (asset_id, vs_currency)
) WITHOUT ROWID;

CREATE TABLE price_history (
    asset_id    TEXT    NOT NULL REFERENCES assets (id),
    vs_currency TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    price       TEXT    NOT NULL,
    PRIMARY KEY (asset_id, vs_currency, at)
) WITHOUT ROWID;

CREATE TABLE snapshots (
    at             INTEGER NOT NULL,
    currency       TEXT    NOT NULL,
    total          TEXT    NOT NULL,
    missing_prices INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (at, currency)
) WITHOUT ROWID;

CREATE TABLE alerts (
    id            INTEGER PRIMARY KEY,
    asset_id      TEXT    REFERENCES assets (id),
    vs_currency   TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('above', 'below', 'change_24h',
                                  'portfolio_above', 'portfolio_below')),
    threshold     TEXT    NOT NULL,
    one_shot      INTEGER NOT NULL DEFAULT 0,
    cooldown_secs INTEGER NOT NULL DEFAULT 0,
    enabled       INTEGER NOT NULL DEFAULT 1,
    armed         INTEGER NOT NULL DEFAULT 1,
    last_fired_at INTEGER,
    created_at    INTEGER NOT NULL
);

CREATE TABLE alert_events (
    id       INTEGER PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    fired_at INTEGER NOT NULL,
    price    TEXT    NOT NULL,
    message  TEXT    NOT NULL
);
CREATE INDEX alert_events_by_alert ON alert_events (alert_id, fired_at);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
