-- What a job search engine needs of a posting (schema.org JobPosting, on /jobs/{id}), both
-- optional: the kind of employment (employmentType) and the last day applications are
-- taken (validThrough). Openings hold no personal data.
ALTER TABLE openings
    ADD COLUMN employment_type text
        CHECK (employment_type IN ('full_time', 'part_time', 'contractor', 'temporary',
                                   'intern', 'volunteer', 'per_diem', 'other')),
    ADD COLUMN valid_through timestamptz;
