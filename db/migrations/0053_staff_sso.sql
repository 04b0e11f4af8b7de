-- Staff sign-in through OpenID Connect (flows/sso.c): the state of each sign-in begun, kept
-- only as its SHA-256 for ten minutes and used once. The nonce and the PKCE verifier are
-- not stored: each is SHA-256 over a secret made here and the state, so only this database
-- can make them again, and only for a state it has begun.
CREATE TABLE staff_sso_states (
    state_sha256 text PRIMARY KEY CHECK (state_sha256 ~ '^[0-9a-f]{64}$'),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX staff_sso_states_expiry ON staff_sso_states (expires_at);
INSERT INTO server_secrets (name, secret)
VALUES ('sso', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
