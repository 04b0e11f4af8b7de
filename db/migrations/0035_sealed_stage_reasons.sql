-- A stage change's reason is free text about a person (DESIGN "Every free-text value about a
-- person is sealed"): sealed under the applicant's history key, with the evaluations'
-- summaries, and gone with it. key_id names the key; the plaintext column stays for rows
-- written before (and the fixed words recruitd writes itself, such as 'hired'), until
-- `recruitctl keys seal-existing` seals them.
ALTER TABLE application_history
    ADD COLUMN reason_sealed bytea,
    ADD COLUMN key_id        uuid;
