-- Restriction (DESIGN "Privacy requests", delete): a record an erasure request could not
-- delete whole, because a legal hold or a legal floor keeps it, is restricted. Recruiters
-- no longer see it (404), it is left out of lists and searches, only HR reads it (audited,
-- as every read), and the purge deletes it once the floor has passed, whatever the
-- company's own policy says.
ALTER TABLE applicants ADD COLUMN restricted_at timestamptz;
CREATE INDEX applicants_restricted ON applicants (restricted_at) WHERE restricted_at IS NOT NULL;
