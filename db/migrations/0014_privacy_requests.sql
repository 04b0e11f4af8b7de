-- Privacy requests (DESIGN "Privacy requests"): the request log, its events, the e-mailed
-- verification codes, and the suppression list. The log keeps no personal data beyond the
-- masked address and the applicant id, and outlives the applicant's erasure (so no foreign
-- key to applicants); it is purged 24 months after completion. The address itself waits in
-- privacy_request_contacts only while the request is open (its e-mails need it).
CREATE TABLE privacy_requests (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    type                   text NOT NULL CHECK (type IN ('know_categories', 'know_specific', 'delete', 'correct', 'opt_out')),
    status                 text NOT NULL CHECK (status IN ('awaiting_verification', 'in_progress', 'completed', 'denied')),
    channel                text NOT NULL CHECK (channel IN ('web', 'email', 'phone', 'mail', 'in_person', 'agent')),
    applicant_id           uuid,
    email_masked           text NOT NULL,
    received_at            timestamptz NOT NULL,
    confirm_by             timestamptz NOT NULL,
    confirmed_at           timestamptz,
    verification_level     text NOT NULL DEFAULT 'none',
    verified_at            timestamptz,
    data_points_matched    int NOT NULL DEFAULT 0,
    declaration_signed_at  timestamptz,
    declaration_signed_name_sha256 text,
    failed_tries           int NOT NULL DEFAULT 0,
    due_at                 timestamptz NOT NULL,
    extended_due_at        timestamptz,
    extension_reason       text,
    completed_at           timestamptz,
    outcome                text CHECK (outcome IN ('fulfilled', 'partially_fulfilled', 'denied', 'no_record')),
    outcome_detail         text,
    categories             jsonb,
    items                  jsonb,
    corrections            jsonb,
    details                text,
    agent                  jsonb,
    created_at             timestamptz NOT NULL DEFAULT now(),
    version                int NOT NULL DEFAULT 1
);
CREATE INDEX privacy_requests_due ON privacy_requests ((coalesce(extended_due_at, due_at)), id);
CREATE INDEX privacy_requests_applicant ON privacy_requests (applicant_id);
CREATE INDEX privacy_requests_completed ON privacy_requests (completed_at);

CREATE TABLE privacy_request_events (
    request_id uuid NOT NULL REFERENCES privacy_requests (id) ON DELETE CASCADE,
    at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    event      text NOT NULL,
    actor_role text NOT NULL
);
CREATE INDEX privacy_request_events_request ON privacy_request_events (request_id, at);

-- The address a request is about, while the request is open.
CREATE TABLE privacy_request_contacts (
    request_id uuid PRIMARY KEY REFERENCES privacy_requests (id) ON DELETE CASCADE,
    email      text NOT NULL
);

-- A verification link's code (hashed), single use, 72 hours.
CREATE TABLE privacy_verifications (
    code_sha256 text PRIMARY KEY CHECK (code_sha256 ~ '^[0-9a-f]{64}$'),
    request_id  uuid NOT NULL REFERENCES privacy_requests (id) ON DELETE CASCADE,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX privacy_verifications_request ON privacy_verifications (request_id);

-- Addresses that opted out (or were erased), by keyed hash of the lower-cased address.
CREATE TABLE suppressions (
    key_sha256 text NOT NULL,
    reason     text NOT NULL CHECK (reason IN ('opt_out', 'erased')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (key_sha256, reason)
);
INSERT INTO server_secrets (name, secret)
VALUES ('suppression', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
