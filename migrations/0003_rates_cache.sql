-- Rates: market-cap ranks for symbol resolution, manual price overrides, when each cached CoinGecko
-- resource was last fetched, and the calls spent per month (the sync loop's budget).

ALTER TABLE assets ADD COLUMN market_cap_rank INTEGER;

-- A price the user set by hand; it always wins over CoinGecko's.
CREATE TABLE price_overrides (
    asset_id    TEXT    NOT NULL REFERENCES assets (id),
    vs_currency TEXT    NOT NULL,
    price       TEXT    NOT NULL,
    set_at      INTEGER NOT NULL,
    PRIMARY KEY (asset_id, vs_currency)
) WITHOUT ROWID;

-- 'coins_list', 'chart:bitcoin:usd:30', ...: when that resource was last downloaded.
CREATE TABLE fetch_log (
    resource   TEXT    PRIMARY KEY,
    fetched_at INTEGER NOT NULL
) WITHOUT ROWID;

-- 'YYYY-MM' -> CoinGecko calls made that month (each costs a credit).
CREATE TABLE api_usage (
    month TEXT    PRIMARY KEY,
    calls INTEGER NOT NULL
) WITHOUT ROWID;

-- Ranks of the seeded coins until the first /coins/markets download replaces them.
UPDATE assets SET market_cap_rank = CASE id
    WHEN 'bitcoin' THEN 1 WHEN 'ethereum' THEN 2 WHEN 'tether' THEN 3 WHEN 'binancecoin' THEN 4
    WHEN 'solana' THEN 5 WHEN 'usd-coin' THEN 6 WHEN 'ripple' THEN 7 WHEN 'dogecoin' THEN 8
    WHEN 'cardano' THEN 9 WHEN 'tron' THEN 10 ELSE NULL END
WHERE kind = 'coin';
