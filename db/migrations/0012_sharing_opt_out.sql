-- The person's opt-out of sharing (DESIGN: read-only for staff, set by the person: a
-- browser's Sec-GPC: 1 when applying now, their opt-out request later).
ALTER TABLE applicants ADD COLUMN sharing_opt_out boolean NOT NULL DEFAULT false;
