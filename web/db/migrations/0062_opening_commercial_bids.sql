-- 0062 two-envelope tenders: only the commercial parts of the bids that passed the
-- technical evaluation are opened; the others stay sealed for good (issue 11, item 6).
-- NULL: every frozen bid's commercial part (a stage requested before this rule).
ALTER TABLE opening_stages ADD COLUMN bids uuid[];
ALTER TABLE opening_stages ADD CONSTRAINT opening_stages_bids_not_empty
    CHECK (bids IS NULL OR cardinality(bids) >= 1);
