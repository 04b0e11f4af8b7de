-- A rotation re-wraps every data key (issue 26). With no index on what it changes and room
-- on each page, each re-wrap is a heap-only update: no index entry, a fraction of the WAL.
-- At a million applicants the re-wrap took 43 s instead of 150 s, and the reads beside it
-- kept their latency better (docs/bench.md).
--
-- The index on master served nothing: its only query asks for master <> $1, which reads the
-- whole table whatever the index.
DROP INDEX IF EXISTS data_keys_master;
-- Half of each page kept free: a batch re-wraps every row of a page at once, and their new
-- versions fit beside the old ones, which pruning frees before the next rotation. Pages
-- written from now on keep the room; pages of before get it when the first rotation after
-- this moves their rows (the wrapped copies left behind are under the epoch before, which
-- the next rotation destroys, as for every destroyed key).
ALTER TABLE data_keys SET (fillfactor = 50);
