-- Export packages (DESIGN "Privacy requests", know_specific): a ZIP of everything held about
-- the person, written in chunks as it is built (one document in memory at a time), kept 7
-- days (the purge run deletes it), downloadable by the person signed in, or through the
-- e-mailed link (24 hours, at most 3 downloads; only the link's hash is kept). The package
-- is personal data: it goes with its applicant on erasure.
CREATE TABLE exports (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    request_id       uuid NOT NULL REFERENCES privacy_requests (id) ON DELETE CASCADE,
    applicant_id     uuid NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
    size             bigint NOT NULL DEFAULT 0,
    sha256           text,
    token_sha256     text UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
    token_expires_at timestamptz NOT NULL,
    downloads        int NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL
);
CREATE INDEX exports_expiry ON exports (expires_at);
CREATE INDEX exports_applicant ON exports (applicant_id);
CREATE INDEX exports_request ON exports (request_id);

CREATE TABLE export_chunks (
    export_id uuid NOT NULL REFERENCES exports (id) ON DELETE CASCADE,
    seq       int NOT NULL CHECK (seq >= 0),
    bytes     bytea NOT NULL,
    PRIMARY KEY (export_id, seq)
);
ALTER TABLE export_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL;
