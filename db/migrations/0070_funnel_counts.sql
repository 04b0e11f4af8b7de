-- The funnel of all openings (GET /v1/analytics/funnel without opening_id) was an aggregate
-- over every stage event: about a second at a million applications. Its figures are now kept
-- as events are written, in the same transaction (the trigger that sets a left event's
-- left_at, migration 0022): how many tracks reached each stage, and a histogram of the stays
-- in each stage, in buckets 5% wide (bucket 0: under a second; bucket b: from 1.05^(b-1) to
-- 1.05^b seconds). The median of all openings is read from the histogram: the midpoint of the
-- bucket that holds it, within 2.5% of the exact median (docs/api.md). Rows are spread over
-- 16 shards, so concurrent moves do not queue on one row. Nothing here points to a person:
-- a stage, a bucket, a count. One opening's funnel stays exact (its own events, index-only).
CREATE TABLE funnel_reached (
    stage text NOT NULL,
    shard smallint NOT NULL,
    n     bigint NOT NULL,
    PRIMARY KEY (stage, shard)
);
CREATE TABLE funnel_stays (
    stage  text NOT NULL,
    bucket integer NOT NULL,
    shard  smallint NOT NULL,
    n      bigint NOT NULL,
    PRIMARY KEY (stage, bucket, shard)
);

CREATE FUNCTION funnel_bucket(seconds double precision) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN seconds < 1 THEN 0 ELSE 1 + floor(ln(seconds) / ln(1.05))::integer END
$$;

CREATE OR REPLACE FUNCTION stage_events_leave() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    k smallint := floor(random() * 16); -- the shard this event's counts go to
    was text;
    since timestamptz;
BEGIN
    UPDATE stage_events SET left_at = NEW.at
    WHERE track = NEW.track AND left_at IS NULL AND (at, id) < (NEW.at, NEW.id)
    RETURNING stage, at INTO was, since;
    INSERT INTO funnel_reached AS r (stage, shard, n) VALUES (NEW.stage, k, 1)
        ON CONFLICT (stage, shard) DO UPDATE SET n = r.n + 1;
    IF was IS NOT NULL THEN
        INSERT INTO funnel_stays AS s (stage, bucket, shard, n)
        VALUES (was, funnel_bucket(extract(epoch FROM NEW.at - since)), k, 1)
            ON CONFLICT (stage, bucket, shard) DO UPDATE SET n = s.n + 1;
    END IF;
    RETURN NULL;
END;
$$;

-- what the events written so far say, counted once
INSERT INTO funnel_reached (stage, shard, n)
    SELECT stage, 0, count(DISTINCT track) FROM stage_events GROUP BY stage;
INSERT INTO funnel_stays (stage, bucket, shard, n)
    SELECT stage, funnel_bucket(extract(epoch FROM left_at - at)), 0, count(*)
    FROM stage_events WHERE left_at IS NOT NULL GROUP BY 1, 2;
