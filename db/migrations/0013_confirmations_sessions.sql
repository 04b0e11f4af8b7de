-- The applicant's side (DESIGN "The applicant's side"): an application waits for the
-- e-mailed confirmation link, applicants sign in with e-mailed one-time links, their tokens
-- expire, and the public endpoints that take an address are rate-limited here, so that
-- every running recruitd counts the same hits.

-- A submission from POST /v1/apply, held until its confirmation code comes back (24 hours
-- at most; purge deletes the rest with their resume). It is not an applicant: it is never
-- listed, searched or counted, and only its hashed code finds it.
CREATE TABLE pending_submissions (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code_sha256            text NOT NULL UNIQUE CHECK (code_sha256 ~ '^[0-9a-f]{64}$'),
    full_name              text NOT NULL,
    email                  text NOT NULL,
    phone                  text,
    opening_id             uuid NOT NULL REFERENCES openings (id),
    marketing_opt_in       boolean NOT NULL,
    sharing_opt_out        boolean NOT NULL,
    privacy_notice_version text NOT NULL,
    accepted_at            timestamptz NOT NULL DEFAULT now(),
    filename               text NOT NULL,
    content_type           text NOT NULL,
    size                   bigint NOT NULL CHECK (size > 0),
    sha256                 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content                bytea NOT NULL,
    created_at             timestamptz NOT NULL DEFAULT now(),
    expires_at             timestamptz NOT NULL
);
CREATE INDEX pending_submissions_expiry ON pending_submissions (expires_at);

-- A sign-in link's code (hashed), single use: the row goes when it is used.
CREATE TABLE sign_in_codes (
    code_sha256  text PRIMARY KEY CHECK (code_sha256 ~ '^[0-9a-f]{64}$'),
    applicant_id uuid NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sign_in_codes_expiry ON sign_in_codes (expires_at);
CREATE INDEX sign_in_codes_applicant ON sign_in_codes (applicant_id);

-- Tokens expire; signed_in_at is when the code that made the token was used. Tokens made
-- before this migration (shown once on the old careers page) get the default lifetime.
ALTER TABLE applicant_tokens
    ADD COLUMN signed_in_at timestamptz,
    ADD COLUMN expires_at timestamptz;
UPDATE applicant_tokens SET signed_in_at = created_at, expires_at = now() + interval '7 days';
ALTER TABLE applicant_tokens
    ALTER COLUMN signed_in_at SET NOT NULL,
    ALTER COLUMN expires_at SET NOT NULL;
CREATE INDEX applicant_tokens_expiry ON applicant_tokens (expires_at);

-- Rate limits: hits per endpoint, per keyed hash of the client address or of the e-mail
-- address, per fixed window. The key is SHA-256 over a secret made here and the value, so
-- the table holds no address and cannot be reversed by hashing guesses without the secret.
CREATE TABLE server_secrets (
    name   text PRIMARY KEY,
    secret bytea NOT NULL CHECK (length(secret) >= 32)
);
-- gen_random_uuid() draws from PostgreSQL's strong random source: 2 x 122 random bits.
INSERT INTO server_secrets (name, secret)
VALUES ('rate-limit', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));

CREATE TABLE rate_hits (
    endpoint     text NOT NULL,
    key_sha256   text NOT NULL,
    window_start timestamptz NOT NULL,
    hits         int NOT NULL,
    PRIMARY KEY (endpoint, key_sha256, window_start)
);
CREATE INDEX rate_hits_window ON rate_hits (window_start);
