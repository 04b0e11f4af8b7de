-- HR finds a privacy request by the requester's address (the console's queue) without the
-- log keeping the address: each request keeps a keyed hash of the lower-cased address it was
-- made with (SHA-256 over a secret made here and the address, as the suppression list keeps
-- its hashes: not reversible by hashing guesses without the secret), as long as the log keeps
-- the request. Requests made before this migration have none (their address, while they are
-- open, is sealed: the database cannot hash it), so they are found by their other filters.
ALTER TABLE privacy_requests ADD COLUMN requester_key text;
CREATE INDEX privacy_requests_requester ON privacy_requests (requester_key)
    WHERE requester_key IS NOT NULL;

INSERT INTO server_secrets (name, secret)
VALUES ('privacy-requester', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
