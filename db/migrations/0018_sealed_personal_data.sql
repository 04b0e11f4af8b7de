-- Per-applicant data keys (DESIGN "Per-applicant data keys"). Personal values are stored sealed
-- (AES-256-GCM under the applicant's data key, which lives in the key database); the plaintext
-- columns stay only for rows written before this migration, until `recruitctl keys
-- seal-existing` (run by make run and make test, restartable, safe with the API up) seals them
-- and clears the plaintext.

ALTER TABLE applicants
    ALTER COLUMN full_name DROP NOT NULL,
    ALTER COLUMN email DROP NOT NULL,
    ALTER COLUMN social_handles DROP NOT NULL,
    ALTER COLUMN social_handles DROP DEFAULT,
    ADD COLUMN full_name_sealed bytea,
    ADD COLUMN email_sealed     bytea,
    ADD COLUMN phone_sealed     bytea,
    ADD COLUMN address_sealed   bytea,
    ADD COLUMN social_sealed    bytea,
    -- HMAC-SHA256 of the lower-cased address under the index key: uniqueness and lookups
    ADD COLUMN email_hash       bytea,
    -- keyed hashes (32 bits) of the trigrams of the lower-cased name and address: ?q=
    ADD COLUMN search_grams     int[],
    -- the jurisdiction the retention rules read (a country and a region name no one alone)
    ADD COLUMN country          text,
    ADD COLUMN region           text;
UPDATE applicants SET country = address->>'country', region = address->>'region';
CREATE UNIQUE INDEX applicants_email_hash ON applicants (email_hash);
CREATE INDEX applicants_search_grams ON applicants USING gin (search_grams);
-- rows not sealed yet, for the sealing run and for searches meanwhile (empty afterwards)
CREATE INDEX applicants_unsealed ON applicants (created_at DESC, id DESC) WHERE email_hash IS NULL;
DROP INDEX IF EXISTS applicants_full_name_trgm_idx;
DROP INDEX IF EXISTS applicants_email_trgm_idx;

-- A submission waiting for its code is sealed under a key derived from the code, which only
-- the e-mail holds: the database alone cannot open it.
ALTER TABLE pending_submissions
    ALTER COLUMN full_name DROP NOT NULL,
    ALTER COLUMN email DROP NOT NULL,
    ALTER COLUMN filename DROP NOT NULL,
    ADD COLUMN sealed     bytea,
    ADD COLUMN email_hash bytea;
CREATE INDEX pending_submissions_email_hash ON pending_submissions (email_hash);

ALTER TABLE evaluations
    ALTER COLUMN summary DROP NOT NULL,
    ADD COLUMN summary_sealed bytea;

-- documents.content and export_chunks.bytes hold sealed segments when sealed is true
ALTER TABLE documents ADD COLUMN sealed boolean NOT NULL DEFAULT false;
ALTER TABLE export_chunks ADD COLUMN sealed boolean NOT NULL DEFAULT false;

-- Keys to destroy: written in the transaction that deletes the applicant's rows, emptied
-- once the key database confirms (after a crash in between, by the next pass).
CREATE TABLE key_shreds (
    applicant_id uuid PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now()
);
