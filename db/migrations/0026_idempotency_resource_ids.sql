-- A stored answer to a keyed create holds no personal data (DESIGN "the remanence
-- invariant"): its status, its Location and the id of what it made, which a replay reads
-- again under the caller's own authorization. The bodies kept until now (sealed under a
-- key derived from the client's Idempotency-Key, which a guessable key opened) go; they
-- were replayable for 24 hours at most, so a retry across the upgrade creates nothing new:
-- it finds the record by its address, as any duplicate create does.
DELETE FROM idempotency_keys;
ALTER TABLE idempotency_keys DROP COLUMN body;
ALTER TABLE idempotency_keys ADD COLUMN resource_id uuid;
