-- recruitd fills its key cache at start with the newest keys, a page at a time (so the
-- start-up peak is a page, not every key at once): an index in that order.
CREATE INDEX data_keys_created ON data_keys (created_at DESC, id DESC);
