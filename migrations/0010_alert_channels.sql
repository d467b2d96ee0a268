-- Which channels beyond the desktop a rule's alerts go to: NULL for every channel set up, '' for
-- none (the desktop only), else a comma-separated list ('ntfy', 'webhook', 'ntfy,webhook').
ALTER TABLE alerts ADD COLUMN channels TEXT;
