-- The scheduler's jobs (jobs/scheduler.c): one row per job, shared by every instance. A
-- job runs where its lease was taken: the UPDATE that sets lease_owner and lease_until
-- succeeds for one instance only, the running instance renews the lease while it works, and
-- a lease whose instance died runs out, so another instance takes the job up. done_slot is
-- the last due time whose run succeeded: a job is due again when its schedule's latest slot
-- is later. Times are the scheduler's clock (the system's, or a test's). No personal data:
-- last_detail holds counts or the kind of a failure.
CREATE TABLE scheduler_jobs (
    name             text PRIMARY KEY CHECK (name ~ '^[a-z_]{1,40}$'),
    done_slot        timestamptz,
    lease_owner      text,
    lease_until      timestamptz,
    retry_at         timestamptz,
    failures         integer NOT NULL DEFAULT 0,
    runs             bigint NOT NULL DEFAULT 0,
    last_owner       text,
    last_started_at  timestamptz,
    last_finished_at timestamptz,
    last_result      text CHECK (last_result IN ('running', 'ok', 'failed')),
    last_detail      text CHECK (length(last_detail) <= 200),
    CHECK ((lease_owner IS NULL) = (lease_until IS NULL))
);
