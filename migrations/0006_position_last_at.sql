-- When each position's newest entry occurred, so an entry dated earlier replays the position in
-- time order instead of being folded on after it. NULL: written before this was kept, replayed
-- in time order when the vault next opens (earlier versions folded in the order rows arrived).
ALTER TABLE balances ADD COLUMN last_at INTEGER;
