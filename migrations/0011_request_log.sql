-- "Who saw what": every request sent to an outside service (CoinGecko, DefiLlama, an ntfy topic,
-- a webhook, and wallet providers to come), with what it asked and when. Keys never appear: they
-- travel in headers, which are not kept.
CREATE TABLE request_log (
    id INTEGER PRIMARY KEY,
    provider TEXT NOT NULL,
    asked TEXT NOT NULL,
    outcome TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX request_log_by_time ON request_log (at DESC);
