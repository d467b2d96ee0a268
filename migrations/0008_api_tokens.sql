-- Personal access tokens for the local HTTP API. Only a hash of each token is kept: the token is
-- shown once when made, and a copy of the vault never lets anyone call the API.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    hash BLOB NOT NULL UNIQUE,
    read_only INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
);
