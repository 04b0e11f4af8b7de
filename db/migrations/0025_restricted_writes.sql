-- A restricted record (DESIGN "Privacy requests", delete) is kept only because a legal hold
-- or a legal floor requires it, and is used for nothing else: it takes no new application,
-- document or evaluation, whoever asks and through whatever path (a new application would
-- also keep it from the purge that ends it). The handlers answer before this is reached;
-- the trigger is the guarantee, raised with SQLSTATE RD001, which recruitd answers 409
-- restricted (404 for a recruiter, who may not learn that the record exists).
CREATE FUNCTION refuse_restricted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    who uuid;
BEGIN
    IF TG_TABLE_NAME = 'evaluations' THEN
        SELECT applicant_id INTO who FROM applications WHERE id = NEW.application_id;
    ELSE
        who := NEW.applicant_id;
    END IF;
    -- FOR SHARE: a restriction committing meanwhile is waited for, then seen
    PERFORM 1 FROM applicants WHERE id = who AND restricted_at IS NOT NULL FOR SHARE;
    IF FOUND THEN
        RAISE EXCEPTION 'the record is restricted' USING ERRCODE = 'RD001';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER applications_restricted BEFORE INSERT ON applications
    FOR EACH ROW EXECUTE FUNCTION refuse_restricted();
CREATE TRIGGER documents_restricted BEFORE INSERT ON documents
    FOR EACH ROW EXECUTE FUNCTION refuse_restricted();
CREATE TRIGGER evaluations_restricted BEFORE INSERT ON evaluations
    FOR EACH ROW EXECUTE FUNCTION refuse_restricted();
