-- Openings, documents, the public application path and the applicant's own token.

CREATE TABLE openings (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    title       text NOT NULL,
    department  text,
    country     text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    region      text,
    location    text,
    description text,
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     integer NOT NULL DEFAULT 1
);
CREATE INDEX openings_created_idx ON openings (created_at DESC, id DESC);

-- What the applicant agreed to when they applied through the careers page or the public API.
ALTER TABLE applicants
    ADD COLUMN privacy_notice_version     text,
    ADD COLUMN privacy_notice_accepted_at timestamptz,
    ADD COLUMN age_16_or_over_at          timestamptz;

-- Applicant tokens: only the SHA-256 of the secret; gone with the applicant.
CREATE TABLE applicant_tokens (
    key_id        text PRIMARY KEY CHECK (key_id ~ '^[0-9a-f]{16}$'),
    applicant_id  uuid NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
    secret_sha256 text NOT NULL CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX applicant_tokens_applicant_idx ON applicant_tokens (applicant_id);

CREATE TABLE documents (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    applicant_id uuid NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('resume', 'cover_letter', 'other')),
    filename     text NOT NULL,
    content_type text NOT NULL,
    size         bigint NOT NULL CHECK (size > 0),
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content      bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_applicant_idx ON documents (applicant_id, created_at, id);
-- Documents are mostly compressed formats already: store them out of line, uncompressed.
ALTER TABLE documents ALTER COLUMN content SET STORAGE EXTERNAL;

CREATE TABLE applications (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    applicant_id uuid NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
    opening_id   uuid NOT NULL REFERENCES openings (id),
    stage        text NOT NULL CHECK (stage IN ('applied', 'screening', 'interview', 'assessment',
                     'background_check', 'offer', 'hired', 'rejected', 'withdrawn')),
    -- Links the application to its de-identified stage events; the link dies with the row.
    track        uuid NOT NULL DEFAULT gen_random_uuid(),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    closed_at    timestamptz,
    version      integer NOT NULL DEFAULT 1,
    UNIQUE (applicant_id, opening_id)
);
CREATE INDEX applications_opening_idx ON applications (opening_id, stage);

-- Every move, with who made it and why: part of the applicant's record.
CREATE TABLE application_history (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    from_stage     text,
    to_stage       text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now(),
    actor          text NOT NULL,
    reason         text
);
CREATE INDEX application_history_application_idx ON application_history (application_id, id);

-- The same moves without anything that points to a person: what funnel analytics
-- keep after the applicant's record is purged or transferred.
CREATE TABLE stage_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    track      uuid NOT NULL,
    opening_id uuid NOT NULL,
    stage      text NOT NULL,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stage_events_opening_idx ON stage_events (opening_id, track, at);

-- Stored first responses: looked up by a hash of the Idempotency-Key, the body
-- encrypted under a key derived from it, so the table alone reveals neither
-- the personal data nor the applicant tokens in them.
DROP TABLE idempotency_keys;
CREATE TABLE idempotency_keys (
    actor          text NOT NULL,
    key_sha256     text NOT NULL,
    scope          text NOT NULL,
    request_sha256 text NOT NULL,
    status         integer NOT NULL,
    body           bytea NOT NULL,
    location       text,
    applicant_id   uuid REFERENCES applicants (id) ON DELETE CASCADE,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (actor, key_sha256)
);
CREATE INDEX idempotency_keys_applicant_idx ON idempotency_keys (applicant_id);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
