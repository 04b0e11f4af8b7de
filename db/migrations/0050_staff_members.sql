-- The staff directory (DESIGN "Staff console"): the people who work in recruitd, their
-- role and whether they may still sign in. A member's address is staff data, not an
-- applicant's (docs/privacy.md lists it among what stays); it is called work_email so that no
-- code mistakes it for an applicant's personal column. email_folded is the address folded as every lookup folds it (core/fold.c): one member per address, whatever the case.
CREATE TABLE staff_members (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    work_email    text NOT NULL CHECK (length(work_email) BETWEEN 3 AND 254),
    email_folded  text NOT NULL UNIQUE,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 800),
    role          text NOT NULL CHECK (role IN ('recruiter', 'hr')),
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    version       bigint NOT NULL DEFAULT 1,
    -- the console's "new since my last visit": when /staff was last shown, and the visit before
    seen_at       timestamptz,
    seen_before   timestamptz
);
CREATE INDEX staff_members_list ON staff_members (created_at DESC, id DESC);

-- An API key may belong to a member: deactivating the member, or changing their role,
-- revokes it (and the NOTICE of migration 0019 makes every process forget it at once).
ALTER TABLE staff_keys ADD COLUMN member_id uuid REFERENCES staff_members (id);
CREATE INDEX staff_keys_member ON staff_keys (member_id) WHERE member_id IS NOT NULL;
