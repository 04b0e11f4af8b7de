-- E-mail leaves through an outbox, written in the same transaction as the change that
-- causes it, and delivered by every running recruitd (and `recruitctl mail deliver`):
-- rows are claimed FOR UPDATE SKIP LOCKED, so two processes never send one message twice.
-- Once sent (or given up after 24 hours) a message keeps only its kind, times, request id
-- and outcome: the address, subject and body are deleted. A message about an applicant
-- goes with the applicant on erasure.
CREATE TABLE mail_outbox (
    id              uuid PRIMARY KEY,
    kind            text NOT NULL,
    applicant_id    uuid REFERENCES applicants (id) ON DELETE CASCADE,
    to_address      text,
    subject         text,
    body            text,
    request_id      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    attempts        int NOT NULL DEFAULT 0,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    finished_at     timestamptz,
    outcome         text,
    CHECK (status = 'pending' OR (to_address IS NULL AND subject IS NULL AND body IS NULL))
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE status = 'pending';
