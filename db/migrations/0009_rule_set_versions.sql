-- Sets replaced or edited as a whole (retention policies, background-check rules) carry
-- one version for the set: it is the ETag of their GET, and a write with a stale If-Match
-- changes nothing (412). Every write bumps it in the same transaction.
CREATE TABLE rule_set_versions (
    name    text PRIMARY KEY,
    version bigint NOT NULL DEFAULT 1 CHECK (version > 0)
);
INSERT INTO rule_set_versions (name) VALUES ('retention_policies'), ('background_check_rules');
