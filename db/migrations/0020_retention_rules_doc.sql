-- The retention rules as one document: the policies and the legal floors as the JSON every
-- verdict is judged by (domain/retention.h RETENTION_POLICIES_SQL). Every read of a record
-- judged its retention by building it again from both tables, which made up half of the
-- cost of reading one record (make bench, 2026-12). It is kept here instead, rebuilt by
-- triggers whenever either table changes, however it is changed, in the same transaction.
CREATE TABLE retention_rules_doc (
    one bool PRIMARY KEY DEFAULT true CHECK (one),
    doc text NOT NULL
);

CREATE FUNCTION retention_rules_rebuild() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Lock first: the next statement's snapshot then sees any change committed by a
    -- transaction that held the lock before us.
    PERFORM 1 FROM retention_rules_doc FOR UPDATE;
    UPDATE retention_rules_doc SET doc = (
        (SELECT coalesce(jsonb_agg(jsonb_build_object('outcome', outcome, 'country', country,
            'region', nullif(region, ''), 'retain_days', retain_days)), '[]') FROM retention_policies)
        || (SELECT coalesce(jsonb_agg(jsonb_build_object('outcome', 'floor', 'country', country,
            'region', nullif(region, ''), 'retain_days', retain_days, 'basis', basis)), '[]')
            FROM retention_floors))::text;
    RETURN NULL;
END;
$$;

INSERT INTO retention_rules_doc (doc) VALUES ('[]');
CREATE TRIGGER retention_policies_doc AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON retention_policies FOR EACH STATEMENT EXECUTE FUNCTION retention_rules_rebuild();
CREATE TRIGGER retention_floors_doc AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON retention_floors FOR EACH STATEMENT EXECUTE FUNCTION retention_rules_rebuild();
-- built once now
UPDATE retention_floors SET basis = basis WHERE false;
