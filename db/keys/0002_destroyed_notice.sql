-- Every recruitd process keeps a bounded cache of unwrapped data keys. When one process
-- destroys keys (an erasure, a purge, a hire), the others hear of it here and drop their
-- copies at once (store/vault.c vault_watch_start): the ids of the destroyed keys, at most
-- 200 to a notice, on the channel recruitd_data_keys when the deletion commits.
CREATE FUNCTION data_keys_destroyed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids text;
BEGIN
    FOR ids IN SELECT string_agg(owner, ',') FROM
        (SELECT owner, (row_number() OVER () - 1) / 200 AS chunk FROM gone) x GROUP BY chunk
    LOOP
        PERFORM pg_notify('recruitd_data_keys', ids);
    END LOOP;
    RETURN NULL;
END;
$$;
CREATE TRIGGER data_keys_destroyed AFTER DELETE ON data_keys
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION data_keys_destroyed();
