-- The service core: staff keys, applicants, their tombstones, the audit log.

-- RFC 3339 in UTC with microseconds, the one time format of the API.
CREATE FUNCTION rfc3339(t timestamptz) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $$;

CREATE TABLE staff_keys (
    key_id        text PRIMARY KEY CHECK (key_id ~ '^[0-9a-f]{16}$'),
    name          text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
    role          text NOT NULL CHECK (role IN ('recruiter', 'hr')),
    secret_sha256 text NOT NULL CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
    created_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz
);

CREATE TABLE applicants (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    full_name         text NOT NULL,
    email             text NOT NULL,
    phone             text,
    title             text,
    job_title         text,
    address           jsonb,
    social_handles    jsonb NOT NULL DEFAULT '[]',
    source_type       text NOT NULL
        CHECK (source_type IN ('direct', 'recruiter', 'agency', 'referral', 'event', 'import')),
    source_detail     text,
    marketing_opt_in  boolean NOT NULL DEFAULT false,
    legal_hold_reason text,
    legal_hold_set_at timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    version           integer NOT NULL DEFAULT 1,
    CHECK ((legal_hold_reason IS NULL) = (legal_hold_set_at IS NULL))
);
-- One applicant per e-mail address, compared without case.
CREATE UNIQUE INDEX applicants_email_key ON applicants (lower(email));
-- The list's order and keyset cursor: newest first.
CREATE INDEX applicants_created_idx ON applicants (created_at DESC, id DESC);

-- What remains of an applicant whose record left: no personal data, only why and when.
CREATE TABLE applicant_tombstones (
    applicant_id uuid PRIMARY KEY,
    disposition  text NOT NULL CHECK (disposition IN ('deleted', 'transferred', 'purged')),
    at           timestamptz NOT NULL DEFAULT now(),
    employee_id  uuid,
    run_id       uuid,
    rule         text
);

-- Who read or changed what, when. Ids and action names only, never personal data.
CREATE TABLE audit_log (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor        text NOT NULL,
    action       text NOT NULL,
    applicant_id uuid,
    target       text,
    request_id   text
);
CREATE INDEX audit_log_applicant_idx ON audit_log (applicant_id, seq);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, seq);
CREATE INDEX audit_log_at_idx ON audit_log (at);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

-- First responses to POST creates, replayed for retries with the same Idempotency-Key.
CREATE TABLE idempotency_keys (
    actor          text NOT NULL,
    key            text NOT NULL,
    scope          text NOT NULL,
    request_sha256 text NOT NULL,
    status         integer NOT NULL,
    body           text NOT NULL,
    location       text,
    applicant_id   uuid REFERENCES applicants (id) ON DELETE CASCADE,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (actor, key)
);
CREATE INDEX idempotency_keys_applicant_idx ON idempotency_keys (applicant_id);
