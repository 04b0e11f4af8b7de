-- Every free-text value about a person is sealed (DESIGN "Every free-text value about a person
-- is sealed"): an applicant's title, job title, source detail and legal-hold reason under the
-- record key, with the contact fields (replaced, and the old key destroyed, on every change).
-- The plaintext columns stay only for rows written before, until `recruitctl keys
-- seal-existing` (or their next change) seals them.
ALTER TABLE applicants
    ADD COLUMN title_sealed             bytea,
    ADD COLUMN job_title_sealed         bytea,
    ADD COLUMN source_detail_sealed     bytea,
    ADD COLUMN legal_hold_reason_sealed bytea;

-- A hold's reason is in one of its two columns exactly when the hold is set.
DO $$
DECLARE
    c text;
BEGIN
    FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = 'applicants'::regclass
        AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%legal_hold_reason%'
    LOOP
        EXECUTE format('ALTER TABLE applicants DROP CONSTRAINT %I', c);
    END LOOP;
END;
$$;
ALTER TABLE applicants ADD CONSTRAINT applicants_hold_reason
    CHECK ((legal_hold_reason IS NULL AND legal_hold_reason_sealed IS NULL)
           = (legal_hold_set_at IS NULL));
