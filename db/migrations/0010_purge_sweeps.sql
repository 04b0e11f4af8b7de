-- A purge run also sweeps what expires besides applicants (idempotency keys now; pending
-- submissions, codes and export packages as they come), and its report counts each.
ALTER TABLE purge_runs ADD COLUMN swept jsonb NOT NULL DEFAULT '{}';
