-- Retention rules and purge runs.

CREATE TABLE retention_policies (
    outcome     text NOT NULL CHECK (outcome IN ('rejected', 'withdrawn', 'no_application')),
    country     text NOT NULL CHECK (country = '*' OR country ~ '^[A-Z]{2}$'),
    region      text NOT NULL DEFAULT '' CHECK (country <> '*' OR region = ''),
    retain_days integer NOT NULL CHECK (retain_days BETWEEN 0 AND 36500),
    PRIMARY KEY (outcome, country, region)
);

-- The shipped defaults, the record-keeping floors employers are held to (README):
-- 1 year from the decision in the US (EEOC, 29 CFR 1602.14), 4 years for California
-- jobs (Cal. Gov. Code 12946), 6 months (183 days) elsewhere.
INSERT INTO retention_policies (outcome, country, region, retain_days)
SELECT o.outcome, r.country, r.region, r.days
FROM (VALUES ('rejected'), ('withdrawn'), ('no_application')) o(outcome),
     (VALUES ('*', '', 183), ('US', '', 365), ('US', 'CA', 1461)) r(country, region, days);

CREATE TABLE purge_runs (
    id            uuid PRIMARY KEY,
    dry_run       boolean NOT NULL,
    status        text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'finished', 'failed')),
    actor         text NOT NULL,
    started_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at   timestamptz,
    examined      integer NOT NULL DEFAULT 0,
    expired       integer NOT NULL DEFAULT 0,
    held          integer NOT NULL DEFAULT 0,
    purged        integer NOT NULL DEFAULT 0,
    by_rule       jsonb NOT NULL DEFAULT '{}',
    applicant_ids jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX purge_runs_started_idx ON purge_runs (started_at DESC, id DESC);
