-- Name and e-mail search (?q=) by trigram index, where the pg_trgm extension may be
-- installed. On a server that refuses it, searches still work, by scanning.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX applicants_full_name_trgm_idx ON applicants USING gin (full_name gin_trgm_ops);
    CREATE INDEX applicants_email_trgm_idx ON applicants USING gin (email gin_trgm_ops);
EXCEPTION WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
    RAISE NOTICE 'pg_trgm is not available here: name and e-mail searches will scan';
END
$$;
