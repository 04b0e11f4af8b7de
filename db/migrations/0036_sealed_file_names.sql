-- A document's file name can hold a name ("Jane_Doe_resume.pdf"): sealed under the document's
-- own key (DESIGN "Every free-text value about a person is sealed"), so it goes with the
-- document. The plaintext column stays for documents stored before, until `recruitctl keys
-- seal-existing` seals them.
ALTER TABLE documents
    ADD COLUMN filename_sealed bytea,
    ALTER COLUMN filename DROP NOT NULL;
