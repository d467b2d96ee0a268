-- What an exchange's other export calls the same leg (Kraken's ledgers and trades both name a
-- trade by its id), so importing both, in either order, counts each trade once. Only such legs
-- have one, so the index stays small.
ALTER TABLE entries ADD COLUMN link TEXT;
CREATE INDEX entries_by_link ON entries (link) WHERE link IS NOT NULL;
