-- The key hierarchy (DESIGN "A key for every value whose purpose can end on its own"): every
-- value sealed under a key of its own, named by its id, so that ending one value's purpose
-- costs one key-database write, never re-encrypting the rest. NULL key ids mean rows from
-- before this migration, sealed under the applicant's one data key (whose id is the
-- applicant's); `recruitctl keys seal-existing` moves them over batch by batch.
ALTER TABLE applicants
    -- the personal and free-text columns; replaced (and the old one destroyed) on every change
    ADD COLUMN record_key  uuid,
    -- evaluations' summaries and stage-change reasons; dies with the applicant
    ADD COLUMN history_key uuid;
ALTER TABLE evaluations ADD COLUMN key_id uuid;
ALTER TABLE documents ADD COLUMN key_id uuid;
ALTER TABLE exports ADD COLUMN key_id uuid;
ALTER TABLE pending_submissions ADD COLUMN key_id uuid;
ALTER TABLE email_changes ADD COLUMN key_id uuid;

-- The queue of keys to destroy now names key ids (an applicant's data key of before had the
-- applicant's id: queued rows keep their meaning).
ALTER TABLE key_shreds RENAME COLUMN applicant_id TO key_id;
CREATE INDEX key_shreds_at ON key_shreds (at);

-- A row whose purpose ended queues its key in the same transaction, whichever path deleted it
-- (an erasure and its cascades, a purge, a hire, a restricted deletion, a document deleted, an
-- export expired, a submission confirmed or expired, an e-mail change done or expired), and a
-- replaced record key queues the old one. The store destroys the queue once it commits.
CREATE FUNCTION key_shreds_queue() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'applicants' THEN
        IF TG_OP = 'DELETE' THEN
            INSERT INTO key_shreds (key_id)
                SELECT k FROM unnest(ARRAY[OLD.id, OLD.record_key, OLD.history_key]) k
                WHERE k IS NOT NULL ON CONFLICT DO NOTHING;
        ELSIF OLD.record_key IS DISTINCT FROM NEW.record_key THEN
            -- a row moving from the applicant's one key to a record key keeps that key for
            -- the rest (documents, evaluations): it goes with the applicant
            INSERT INTO key_shreds (key_id) SELECT OLD.record_key
                WHERE OLD.record_key IS NOT NULL ON CONFLICT DO NOTHING;
        END IF;
    ELSIF OLD.key_id IS NOT NULL THEN
        INSERT INTO key_shreds (key_id) VALUES (OLD.key_id) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER applicants_keys_shred AFTER DELETE OR UPDATE OF record_key ON applicants
    FOR EACH ROW EXECUTE FUNCTION key_shreds_queue();
CREATE TRIGGER documents_keys_shred AFTER DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION key_shreds_queue();
CREATE TRIGGER exports_keys_shred AFTER DELETE ON exports
    FOR EACH ROW EXECUTE FUNCTION key_shreds_queue();
CREATE TRIGGER pending_keys_shred AFTER DELETE ON pending_submissions
    FOR EACH ROW EXECUTE FUNCTION key_shreds_queue();
CREATE TRIGGER email_changes_keys_shred AFTER DELETE ON email_changes
    FOR EACH ROW EXECUTE FUNCTION key_shreds_queue();
