-- The morning digests (jobs/duties.c, flows/notifying.c). An opening may have an owner, the
-- recruiter it belongs to (set by POST/PATCH /v1/openings as recruiter_id; a member who is
-- removed from the directory is only deactivated, so the reference stays valid), and a member
-- may opt in to a digest of the new applications on the openings they own.
ALTER TABLE openings ADD COLUMN recruiter_id uuid REFERENCES staff_members (id);
CREATE INDEX openings_recruiter ON openings (recruiter_id) WHERE recruiter_id IS NOT NULL;
ALTER TABLE staff_members ADD COLUMN digest boolean NOT NULL DEFAULT false;
