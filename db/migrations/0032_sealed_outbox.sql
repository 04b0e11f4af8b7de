-- The outbox keeps a message's address, subject and body sealed under a key of its own (DESIGN
-- "The outbox"), destroyed once the message is delivered or given up, or with its applicant:
-- a sent row keeps kind, times and status only, and the copies of its words in WAL and backups
-- open no more. Rows queued before this migration keep their plaintext until sent (a day at
-- most).
ALTER TABLE mail_outbox
    ADD COLUMN sealed bytea,
    ADD COLUMN key_id uuid,
    ADD CHECK (status = 'pending' OR (sealed IS NULL AND key_id IS NULL));

-- key_shreds_queue (migration 0030) learns of rows that let go of their key without going.
CREATE OR REPLACE FUNCTION key_shreds_queue() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'applicants' THEN
        IF TG_OP = 'DELETE' THEN
            INSERT INTO key_shreds (key_id)
                SELECT k FROM unnest(ARRAY[OLD.id, OLD.record_key, OLD.history_key]) k
                WHERE k IS NOT NULL ON CONFLICT DO NOTHING;
        ELSIF OLD.record_key IS DISTINCT FROM NEW.record_key THEN
            INSERT INTO key_shreds (key_id) SELECT OLD.record_key
                WHERE OLD.record_key IS NOT NULL ON CONFLICT DO NOTHING;
        END IF;
    ELSIF TG_OP = 'UPDATE' AND OLD.key_id IS NOT DISTINCT FROM NEW.key_id THEN
        RETURN NULL;
    ELSIF OLD.key_id IS NOT NULL THEN
        INSERT INTO key_shreds (key_id) VALUES (OLD.key_id) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER mail_outbox_keys_shred AFTER DELETE OR UPDATE OF key_id ON mail_outbox
    FOR EACH ROW EXECUTE FUNCTION key_shreds_queue();
