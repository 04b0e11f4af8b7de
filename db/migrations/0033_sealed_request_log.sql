-- The privacy-request log keeps readable, for its 24 months, only what record-keeping needs:
-- type, channel, dates, status, outcome, the masked address, events, the applicant id (DESIGN
-- "The privacy-request log"). The rest (details, correction values, the agent's name and
-- document, the extension reason, the completion detail, the contact address) is sealed under
-- a key of the request's own (privacy_requests.sealed, a JSON object; the contact's address in
-- privacy_request_contacts.sealed), destroyed 30 days after completion, at the subject's
-- erasure, or when a request never verified is denied. Rows written before keep their
-- plaintext columns until their 24 months end.
ALTER TABLE privacy_requests
    ADD COLUMN sealed bytea,
    ADD COLUMN key_id uuid;
ALTER TABLE privacy_request_contacts
    ALTER COLUMN email DROP NOT NULL,
    ADD COLUMN sealed bytea;
CREATE INDEX privacy_requests_key ON privacy_requests (completed_at) WHERE key_id IS NOT NULL;
CREATE INDEX privacy_requests_applicant_key ON privacy_requests (applicant_id)
    WHERE key_id IS NOT NULL;

CREATE TRIGGER privacy_requests_keys_shred AFTER DELETE OR UPDATE OF key_id ON privacy_requests
    FOR EACH ROW EXECUTE FUNCTION key_shreds_queue();

-- An erased subject's ended requests let go of their key with them (the log's readable part
-- stays); one still open (the very request that erased them, whose outcome is yet to be sent)
-- lets go of it when it ends (store/privacy.c privacy_finish).
CREATE FUNCTION privacy_requests_forget_subject() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE privacy_requests SET sealed = NULL, key_id = NULL
    WHERE applicant_id = OLD.id AND key_id IS NOT NULL AND completed_at IS NOT NULL;
    RETURN NULL;
END;
$$;
CREATE TRIGGER applicants_forget_requests AFTER DELETE ON applicants
    FOR EACH ROW EXECUTE FUNCTION privacy_requests_forget_subject();
