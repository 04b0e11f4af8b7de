-- A change of an applicant's e-mail address waits here until the link sent to the new
-- address is followed (PATCH /v1/me, or a verified privacy correction): the record keeps
-- its old address meanwhile, so nobody can move a record to an address they cannot read.
-- The new address is sealed under a key derived from the e-mailed code, which only that
-- e-mail holds; the table keeps the code's hash, the masked address to show the owner, and
-- the privacy request it may finish. One pending change per applicant; 24 hours; the purge
-- run sweeps the expired ones, and the applicant's erasure takes them with it.
CREATE TABLE email_changes (
    code_sha256      text PRIMARY KEY CHECK (code_sha256 ~ '^[0-9a-f]{64}$'),
    applicant_id     uuid NOT NULL UNIQUE REFERENCES applicants (id) ON DELETE CASCADE,
    sealed           bytea NOT NULL,
    masked           text NOT NULL,
    request_id       uuid,
    finishes_request boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL
);
CREATE INDEX email_changes_expiry ON email_changes (expires_at);
