-- `recruitctl keys seal-existing` takes the documents not sealed yet in id order, a batch at a
-- time. Its statement sorted them by id as text (the select list's id::text) after reading
-- every one, a second a batch at a million documents (make bench, BENCH_APPLICANTS=1000000);
-- it now orders by the column, and this index holds only those still to seal, so it is empty
-- once they are.
CREATE INDEX IF NOT EXISTS documents_unsealed ON documents (id) WHERE NOT sealed;
-- Evaluations' summaries likewise (a sealed one's plaintext is NULL).
CREATE INDEX IF NOT EXISTS evaluations_unsealed ON evaluations (id) WHERE summary IS NOT NULL;
