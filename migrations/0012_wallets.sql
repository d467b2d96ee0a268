-- Watch-only wallets (issue 19): a `wallet` account that a chain provider fills. Only public data
-- is kept: an address or public descriptors, never a key. The ledger entries a scan writes carry
-- sources such as `btc:<account>:<txid>`, so a re-scan adds nothing.
CREATE TABLE wallets (
    account_id       INTEGER PRIMARY KEY REFERENCES accounts (id),
    chain            TEXT    NOT NULL CHECK (chain IN ('bitcoin', 'evm', 'solana')),
    -- What the user gave, as the app normalised it (an address, or descriptors one per line).
    watch            TEXT    NOT NULL,
    -- bitcoin: bitcoin, testnet, signet or regtest; evm: chain names, comma-separated.
    network          TEXT    NOT NULL,
    gap_limit        INTEGER NOT NULL DEFAULT 20 CHECK (gap_limit BETWEEN 1 AND 1000),
    created_at       INTEGER NOT NULL,
    -- The last scan: the chain height (block or slot) and time it saw, and how it ended.
    scanned_height   INTEGER,
    scanned_at       INTEGER,
    last_error       TEXT
);
