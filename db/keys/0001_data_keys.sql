-- The key database (RECRUITD_KEYS_DATABASE_URL): one row per data key, wrapped by a master key.
-- Kept apart from the main database so that its backups can be kept short: once a key's row is
-- deleted and the key database's backups holding it have expired, every copy of what the key
-- sealed (in the main database, its WAL, replicas and backups) is unreadable.
CREATE TABLE data_keys (
    owner      text PRIMARY KEY,  -- an applicant's id, or 'index' (the index key)
    wrapped    bytea NOT NULL CHECK (length(wrapped) = 60),
    master     text NOT NULL CHECK (master ~ '^[0-9a-f]{16}$'),  -- the wrapping master's fingerprint
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX data_keys_master ON data_keys (master);
