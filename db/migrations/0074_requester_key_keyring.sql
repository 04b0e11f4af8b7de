-- The privacy requests' requester_key (migration 0062) is now an HMAC made by recruitd under
-- the keyring's suppression key (it never rotates and never sits in this database), not a
-- SHA-256 over a secret kept here: a dump of this database alone cannot confirm whether an
-- address made a request. The hashes made under the secret can no longer be matched: they are
-- dropped (those requests are found by their other filters), and the secret with them.
UPDATE privacy_requests SET requester_key = NULL WHERE requester_key IS NOT NULL;
DELETE FROM server_secrets WHERE name = 'privacy-requester';
