-- Keys by key id (DESIGN "A key for every value whose purpose can end on its own"). A row is one
-- key, named by its id: an applicant's record key, history key, a document's, an export's, a
-- pending submission's, an e-mail change's key, or (rows from before this migration) the
-- applicant's one data key, whose id is the applicant's. The wrap stays bound to the id, so
-- existing rows open as they are. `master` names the keyring epoch that wraps the key.
ALTER TABLE data_keys RENAME COLUMN owner TO id;
CREATE OR REPLACE FUNCTION data_keys_destroyed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids text;
BEGIN
    FOR ids IN SELECT string_agg(id, ',') FROM
        (SELECT id, (row_number() OVER () - 1) / 200 AS chunk FROM gone) x GROUP BY chunk
    LOOP
        PERFORM pg_notify('recruitd_data_keys', ids);
    END LOOP;
    RETURN NULL;
END;
$$;
