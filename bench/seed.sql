-- The bench data set: :n applicants (psql -v n=N; make bench's BENCH_APPLICANTS), each
-- with a resume and an application (to one of 50 openings) with its history and stage
-- event. Deterministic: every id is md5 of a name and a number, so wrk and pgbench can
-- address rows by number.
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO openings (id, title, department, country, region, status)
SELECT md5('bench-opening-' || g)::uuid, 'Bench Opening ' || g, 'Engineering',
       CASE WHEN g % 3 = 0 THEN 'US' ELSE 'DE' END, CASE WHEN g % 6 = 0 THEN 'CA' END, 'open'
FROM generate_series(1, 50) g;

INSERT INTO applicants (id, full_name, email, phone, address, source_type, created_at, updated_at)
SELECT md5('bench-applicant-' || g)::uuid,
       (ARRAY['Ada','Grace','Alan','Edsger','Barbara','Donald','Ken','Dennis','Margaret','Frances'])[1 + g % 10]
         || ' ' || (ARRAY['Lovelace','Hopper','Turing','Dijkstra','Liskov','Knuth','Thompson','Ritchie','Hamilton','Allen'])[1 + (g / 10) % 10]
         || ' ' || g,
       'bench' || g || '@example.com', '+1 555 ' || lpad((g % 10000)::text, 4, '0'),
       jsonb_build_object('line1', g || ' Main Street', 'city', 'Springfield', 'country', 'US'),
       'import', timestamptz '2026-01-01' + g * interval '1 minute', timestamptz '2026-01-01' + g * interval '1 minute'
FROM generate_series(1, :n) g;

INSERT INTO documents (applicant_id, kind, filename, content_type, size, sha256, content)
SELECT md5('bench-applicant-' || g)::uuid, 'resume', 'cv-' || g || '.txt', 'text/plain; charset=utf-8',
       octet_length(b), encode(sha256(b), 'hex'), b
FROM generate_series(1, :n) g,
     LATERAL (SELECT convert_to('Resume of applicant ' || g || E'\n' || repeat('Built and ran services. ', 40), 'UTF8') AS b) x;

-- the board's counts (migration 0072) added once, not row by row (see stage_events below)
ALTER TABLE applications DISABLE TRIGGER application_counts_written;
INSERT INTO applications (id, applicant_id, opening_id, stage, track, created_at, updated_at)
SELECT md5('bench-app-' || g)::uuid, md5('bench-applicant-' || g)::uuid, md5('bench-opening-' || (1 + g % 50))::uuid,
       'applied', md5('bench-track-' || g)::uuid, timestamptz '2026-01-01' + g * interval '1 minute', now()
FROM generate_series(1, :n) g;
ALTER TABLE applications ENABLE TRIGGER application_counts_written;
INSERT INTO application_counts AS c (opening_id, stage, shard, n)
    SELECT md5('bench-opening-' || (1 + g % 50))::uuid, 'applied', 0, count(*) FROM generate_series(1, :n) g GROUP BY 1
    ON CONFLICT (opening_id, stage, shard) DO UPDATE SET n = c.n + EXCLUDED.n;

INSERT INTO application_history (application_id, from_stage, to_stage, actor, at)
SELECT md5('bench-app-' || g)::uuid, NULL, 'applied', 'bench', timestamptz '2026-01-01' + g * interval '1 minute'
FROM generate_series(1, :n) g;

-- One event per track here, so nothing is left (left_at stays NULL): the trigger that keeps
-- left_at and the funnel's counts row by row (one count row updated a million times in one
-- transaction) is held off for the bulk insert, and the counts added once, as its migration
-- (0070) does for the events before it.
ALTER TABLE stage_events DISABLE TRIGGER stage_events_leave;
INSERT INTO stage_events (track, opening_id, stage, at)
SELECT md5('bench-track-' || g)::uuid, md5('bench-opening-' || (1 + g % 50))::uuid, 'applied',
       timestamptz '2026-01-01' + g * interval '1 minute'
FROM generate_series(1, :n) g;
ALTER TABLE stage_events ENABLE TRIGGER stage_events_leave;
INSERT INTO funnel_reached AS r (stage, shard, n) VALUES ('applied', 0, :n)
    ON CONFLICT (stage, shard) DO UPDATE SET n = r.n + EXCLUDED.n;
COMMIT;
VACUUM ANALYZE;
