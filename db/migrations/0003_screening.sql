-- Screening: evaluations, background-check rules, and indexes for the application lists.

CREATE TABLE evaluations (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    application_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    score          smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
    summary        text NOT NULL,
    author         text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evaluations_application_idx ON evaluations (application_id, created_at, id);

-- Where background checks are lawful. region '' is the rule for the whole country;
-- a region's own rule takes precedence over it.
CREATE TABLE background_check_rules (
    country    text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    region     text NOT NULL DEFAULT '',
    allowed    boolean NOT NULL,
    note       text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL,
    PRIMARY KEY (country, region)
);

CREATE INDEX applications_created_idx ON applications (created_at DESC, id DESC);
CREATE INDEX applications_applicant_idx ON applications (applicant_id, created_at);
