-- How many applications each opening has at each stage, kept as applications are
-- written (in the same transaction), so a board's column counts cost the same for an
-- opening of 50 applications as for one of 50,000 (the console's board). Rows are
-- spread over 8 shards, so concurrent moves in one opening do not queue on a row.
-- Counts include restricted records; the board subtracts those (few, by their own
-- index). Nothing here points to a person: an opening, a stage, a count.
CREATE TABLE application_counts (
    opening_id uuid NOT NULL,
    stage      text NOT NULL,
    shard      smallint NOT NULL,
    n          bigint NOT NULL,
    PRIMARY KEY (opening_id, stage, shard)
);

CREATE FUNCTION application_counts_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    k smallint := floor(random() * 8);
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO application_counts AS c (opening_id, stage, shard, n)
        VALUES (OLD.opening_id, OLD.stage, k, -1)
            ON CONFLICT (opening_id, stage, shard) DO UPDATE SET n = c.n - 1;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO application_counts AS c (opening_id, stage, shard, n)
        VALUES (NEW.opening_id, NEW.stage, k, 1)
            ON CONFLICT (opening_id, stage, shard) DO UPDATE SET n = c.n + 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER application_counts_written AFTER INSERT OR DELETE ON applications
    FOR EACH ROW EXECUTE FUNCTION application_counts_keep();
CREATE TRIGGER application_counts_moved AFTER UPDATE OF stage, opening_id ON applications
    FOR EACH ROW WHEN (OLD.stage IS DISTINCT FROM NEW.stage OR OLD.opening_id IS DISTINCT FROM NEW.opening_id)
    EXECUTE FUNCTION application_counts_keep();

-- what the applications written so far say, counted once
INSERT INTO application_counts (opening_id, stage, shard, n)
    SELECT opening_id, stage, 0, count(*) FROM applications GROUP BY 1, 2;
