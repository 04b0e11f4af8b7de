-- DESIGN "Applicants": `restricted` is {since, until, request_id} or null. Beside when the
-- record was restricted: until when the floor keeps it (null under a legal hold, which has
-- no end date) and the privacy request that asked for the erasure. Neither is personal data.
ALTER TABLE applicants
    ADD COLUMN restricted_until timestamptz,
    ADD COLUMN restricted_request uuid;
