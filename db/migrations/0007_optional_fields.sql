-- An opening's country is optional: without one, the "*" retention rules apply and no
-- background-check rule can allow checks.
ALTER TABLE openings ALTER COLUMN country DROP NOT NULL;

-- An evaluation may be a score alone.
ALTER TABLE evaluations ALTER COLUMN summary DROP NOT NULL;
