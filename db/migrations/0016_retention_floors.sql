-- Legal floors (DESIGN "Retention and purge"): how long the law makes an employer keep the
-- records of an application in a jurisdiction, whatever its own policy says. No purge, and
-- no erasure request, deletes an application's record sooner after its decision. Shipped:
-- the United States' one year (EEOC, 29 CFR 1602.14) and California's four years (Cal. Gov.
-- Code §12946). Replaced as a whole set by PUT /v1/retention/floors (hr), versioned.
CREATE TABLE retention_floors (
    country     text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    region      text NOT NULL DEFAULT '',
    retain_days int NOT NULL CHECK (retain_days BETWEEN 0 AND 36500),
    basis       text NOT NULL CHECK (length(basis) BETWEEN 1 AND 200),
    PRIMARY KEY (country, region)
);
INSERT INTO retention_floors (country, region, retain_days, basis) VALUES
    ('US', '', 365, '29 CFR 1602.14'),
    ('US', 'CA', 1461, 'Cal. Gov. Code §12946');
INSERT INTO rule_set_versions (name) VALUES ('retention_floors');
