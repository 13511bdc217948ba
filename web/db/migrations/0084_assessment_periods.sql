-- 0084 an agency's published assessment periods never overlap (outside tester: a period
-- published again with its first days cut off hid a finding of those days behind a
-- second, better score). btree_gist lets one exclusion constraint say it (trusted since
-- PostgreSQL 13: the database owner creates it).
CREATE EXTENSION IF NOT EXISTS btree_gist;

ALTER TABLE agency_assessments ADD CONSTRAINT agency_assessments_periods_disjoint
    EXCLUDE USING gist (organisation_id WITH =, daterange(period_start, period_end, '[]') WITH &&);
