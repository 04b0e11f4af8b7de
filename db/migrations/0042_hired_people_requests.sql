-- Someone hired is not told "we hold no record" (DESIGN "The careers site and the applicant's
-- pages (additions)"): a privacy request about an address that now belongs to an employee
-- is answered from what the employee archive holds. The archive is sealed and holds the
-- address only inside it, so the employee row keeps a keyed hash of the hired person's
-- folded address (SHA-256 over a secret made here and the address: not reversible by
-- hashing guesses without the secret), kept as long as the employee record. A request
-- then names the employee it turned out to concern, and why it waits on HR.
ALTER TABLE employees ADD COLUMN contact_key text;
CREATE INDEX employees_contact_key ON employees (contact_key) WHERE contact_key IS NOT NULL;

INSERT INTO server_secrets (name, secret)
VALUES ('employee-contact', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));

ALTER TABLE privacy_requests
    ADD COLUMN employee_id uuid,
    ADD COLUMN status_reason text;
