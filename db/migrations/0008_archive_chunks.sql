-- The employee archive is written in chunks as it is built, so a hire holds one
-- document at a time, never the whole archive. The chunks come first and the
-- employee row last (in the same transaction), so the reference is checked at commit.
CREATE TABLE employee_archive_chunks (
    employee_id uuid NOT NULL REFERENCES employees (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    seq         int NOT NULL CHECK (seq >= 0),
    bytes       bytea NOT NULL,
    PRIMARY KEY (employee_id, seq)
);
-- gzip already: store out of line, uncompressed.
ALTER TABLE employee_archive_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL;
-- Archives written before this migration keep their bytes in the row.
ALTER TABLE employees ALTER COLUMN archive DROP NOT NULL;
