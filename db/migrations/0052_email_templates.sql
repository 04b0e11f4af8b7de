-- E-mail templates (DESIGN "Templates"): the words of a rejection and of a stage change, per
-- language (ISO 639-1), edited by HR as one set (GET/PUT /v1/templates, one version in
-- rule_set_versions). Plain text; the only placeholders are {{name}}, {{opening}} and
-- {{company}} (domain/templates.c checks them). No personal data: the names are filled in
-- when a message is queued.
CREATE TABLE email_templates (
    kind       text NOT NULL CHECK (kind IN ('rejection', 'stage_change')),
    language   text NOT NULL CHECK (language ~ '^[a-z]{2}$'),
    subject    text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    PRIMARY KEY (kind, language)
);
INSERT INTO rule_set_versions (name) VALUES ('email_templates');
INSERT INTO email_templates (kind, language, subject, body) VALUES
('rejection', 'en', 'Your application for {{opening}}',
 E'Dear {{name}},\n\nthank you for your interest in the position of {{opening}} and for the time you\ntook to apply. After careful consideration we have decided not to take your\napplication further.\n\nWe wish you every success in your search.\n\nKind regards,\n{{company}}\n'),
('stage_change', 'en', 'Your application for {{opening}}',
 E'Dear {{name}},\n\nyour application for the position of {{opening}} has moved to the next step.\nWe will be in touch with the details soon.\n\nKind regards,\n{{company}}\n');
