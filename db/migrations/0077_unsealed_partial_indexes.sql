-- What `recruitctl keys seal-existing` still has to seal, found without stepping over what it
-- has sealed, as migrations 0018 and 0021 did for applicants, documents and evaluations: the
-- passes over file names, stage reasons and the applicants' free text took each batch from
-- the start of the whole table's id order, and so grew with the square of the table (the
-- file names of a million documents sealed at about 100,000 a minute, slowing). Rows leave
-- these indexes as they are sealed; on a database made after the keys they stay empty.
CREATE INDEX applicants_unsealed_free_text ON applicants (id)
    WHERE title IS NOT NULL OR job_title IS NOT NULL OR source_detail IS NOT NULL
       OR legal_hold_reason IS NOT NULL;
CREATE INDEX documents_unsealed_names ON documents (id) WHERE filename IS NOT NULL AND sealed;
CREATE INDEX application_history_unsealed ON application_history (id) WHERE reason IS NOT NULL;
