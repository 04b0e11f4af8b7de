-- The employee row's keyed hash of the hired person's folded address (migration 0042) is now
-- an HMAC made by recruitd under the keyring's suppression key (it never rotates and never
-- sits in this database), of the SHA-256 over this database's 'employee-contact' secret and
-- the address: a dump of this database, secret included, cannot confirm whether an address
-- belongs to an employee. Rows hashed before keep contact_key until `recruitctl keys
-- seal-existing` wraps it (the address itself is only inside the sealed archive); until
-- then they are still found by it.
ALTER TABLE employees ADD COLUMN contact_hmac text;
CREATE INDEX employees_contact_hmac ON employees (contact_hmac) WHERE contact_hmac IS NOT NULL;
