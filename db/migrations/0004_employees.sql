-- The employee archive: where a hired applicant's recruitment record goes, sealed.

CREATE TABLE employees (
    id              uuid PRIMARY KEY,
    employee_number text NOT NULL UNIQUE,
    -- No foreign keys: the recruitment rows they name are gone once the transfer commits.
    applicant_id    uuid NOT NULL UNIQUE,
    application_id  uuid NOT NULL UNIQUE,
    start_date      date NOT NULL,
    hired_at        timestamptz NOT NULL,
    archive         bytea NOT NULL,
    archive_size    bigint NOT NULL,
    archive_sha256  text NOT NULL CHECK (archive_sha256 ~ '^[0-9a-f]{64}$'),
    created_at      timestamptz NOT NULL DEFAULT now()
);
-- gzip already: store out of line, uncompressed.
ALTER TABLE employees ALTER COLUMN archive SET STORAGE EXTERNAL;
