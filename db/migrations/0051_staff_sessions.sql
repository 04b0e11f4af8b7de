-- The staff console's sign-in (DESIGN "Staff console"): an e-mailed link's code, hashed and
-- single use (15 minutes), and sessions named by a cookie whose secret is stored only as
-- its SHA-256. A session lasts 8 hours from its last use and 24 hours at most (the
-- statements that read it say so); deactivating a member or changing their role deletes
-- their sessions (store/staff.c).
CREATE TABLE staff_sign_in_codes (
    code_sha256 text PRIMARY KEY CHECK (code_sha256 ~ '^[0-9a-f]{64}$'),
    member_id   uuid NOT NULL REFERENCES staff_members (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX staff_sign_in_codes_expiry ON staff_sign_in_codes (expires_at);

CREATE TABLE staff_sessions (
    key_id        text PRIMARY KEY CHECK (key_id ~ '^[0-9a-f]{16}$'),
    secret_sha256 text NOT NULL CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
    member_id     uuid NOT NULL REFERENCES staff_members (id),
    method        text NOT NULL CHECK (method IN ('link', 'oidc')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_sessions_member ON staff_sessions (member_id);
CREATE INDEX staff_sessions_seen ON staff_sessions (last_seen_at);
