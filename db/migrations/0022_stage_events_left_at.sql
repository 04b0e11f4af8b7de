-- The funnel (GET /v1/analytics/funnel) needs, for each stage event, when its track left that
-- stage: the time of the track's next event. It was found by a window function over every
-- event of the openings asked for, each time: 143 ms a funnel of one opening at a million
-- applications (make bench), and seconds for all of them. It is kept with the event instead,
-- set when the track's next event is written (in the same transaction), so the funnel is a
-- plain aggregate over the events. Nothing that points to a person is added.
ALTER TABLE stage_events ADD COLUMN left_at timestamptz;

UPDATE stage_events e SET left_at = n.left_at
FROM (SELECT id, lead(at) OVER (PARTITION BY track ORDER BY at, id) AS left_at FROM stage_events) n
WHERE n.id = e.id AND n.left_at IS NOT NULL;

-- a track's event it has not left yet: one per track at most
CREATE INDEX stage_events_current ON stage_events (track) WHERE left_at IS NULL;

CREATE FUNCTION stage_events_leave() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stage_events SET left_at = NEW.at
    WHERE track = NEW.track AND left_at IS NULL AND (at, id) < (NEW.at, NEW.id);
    RETURN NULL;
END;
$$;
CREATE TRIGGER stage_events_leave AFTER INSERT ON stage_events
    FOR EACH ROW EXECUTE FUNCTION stage_events_leave();
