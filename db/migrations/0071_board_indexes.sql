-- The console's board and its "waiting" list read applications of a stage
-- longest in it first (updated_at is when the stage was entered), a page at
-- a time: an index in that order for one opening's columns and for every
-- opening's `applied`, so neither sorts an opening's (or the company's)
-- applications. The board's index begins with (opening_id, stage): the older
-- index on those two alone is no longer needed.
CREATE INDEX applications_board_idx ON applications (opening_id, stage, updated_at, id);
CREATE INDEX applications_stage_since_idx ON applications (stage, updated_at, id);
DROP INDEX applications_opening_idx;
