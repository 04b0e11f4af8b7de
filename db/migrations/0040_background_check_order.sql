-- Background checks in the order the law wants (DESIGN "The careers site and the applicant's
-- pages (additions)"): a rule carries where the check falls, before_offer (the default: the
-- check comes before the offer) or after_offer (only after a conditional offer, as
-- California's Fair Chance Act requires, Cal. Gov. Code 12952; the stages then run
-- offer -> background_check -> hired). Shipped for US/CA: checks allowed there after the
-- offer. A rule HR made for US/CA before keeps its verdict and takes the lawful order.
ALTER TABLE background_check_rules
    ADD COLUMN check_order text NOT NULL DEFAULT 'before_offer'
        CHECK (check_order IN ('before_offer', 'after_offer'));

INSERT INTO background_check_rules (country, region, allowed, note, updated_by, check_order)
VALUES ('US', 'CA', true,
        'Fair Chance Act (Cal. Gov. Code 12952): a criminal history check only after a conditional offer',
        'recruitd', 'after_offer')
ON CONFLICT (country, region) DO UPDATE SET check_order = 'after_offer', updated_at = now();

UPDATE rule_set_versions SET version = version + 1 WHERE name = 'background_check_rules';
