-- Blind indexes that rotate (DESIGN "Blind indexes rotate too"): applicants.email_hash and
-- search_grams are keyed by the index key of a keyring epoch, named here; NULL means a row
-- indexed before the epochs, under the index key of the key database, until `recruitctl keys
-- seal-existing` (or the next rotation) indexes it anew and that key is destroyed. The
-- pending submissions' address hashes are keyed by the epoch too; they live a day.
ALTER TABLE applicants ADD COLUMN index_epoch text;

-- Rate limits are keyed from the keyring (the current epoch's rate key) now, not by a secret
-- kept in this database beside the hashes it keys; the short windows of before go with it.
DELETE FROM server_secrets WHERE name = 'rate-limit';
TRUNCATE rate_hits;
