-- Tokens found in watched wallets (issue 19) are valued only when CoinGecko names the coin their
-- contract (EVM) or mint (Solana) belongs to. `/coins/list?include_platform=true` gives that table;
-- it is kept here and replaced with each daily catalog download.
CREATE TABLE coin_contracts (
    -- CoinGecko's platform id: ethereum, arbitrum-one, base, solana, ...
    platform  TEXT NOT NULL,
    -- Lowercase 0x-hex on EVM platforms; base58 as given on Solana (it is case-sensitive).
    address   TEXT NOT NULL,
    coin_id   TEXT NOT NULL REFERENCES assets (id),
    PRIMARY KEY (platform, address)
) WITHOUT ROWID;

-- Tokens the last scan found that no coin matches, as JSON: listed apart, never counted.
ALTER TABLE wallets ADD COLUMN unpriced TEXT NOT NULL DEFAULT '[]';

-- Polygon's native coin, so a scan can hold it before the catalog is downloaded.
INSERT OR IGNORE INTO assets (id, symbol, name, kind)
VALUES ('polygon-ecosystem-token', 'pol', 'POL (ex-MATIC)', 'coin');

-- Catalogs downloaded before this version lack the platforms: download again at the next refresh.
DELETE FROM fetch_log WHERE resource IN ('coins_list', 'catalog_downloaded');
