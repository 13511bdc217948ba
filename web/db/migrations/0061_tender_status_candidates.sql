-- 0061 the tender status "candidates" (issue 11, item 7; DESIGN.md "Lifecycles"):
-- the evaluation has handed its ranked candidates to the tender (Reg. 53), which are
-- not yet publicised. It lies between 'evaluation' and 'candidates_publicised'
-- (tender/lifecycle.py TRANSITIONS); 0020's CHECK listed every status, so it is
-- replaced by one that lists the new one too. No row changes.
ALTER TABLE tenders DROP CONSTRAINT tenders_status_check;
ALTER TABLE tenders ADD CONSTRAINT tenders_status_check CHECK (status IN (
    'draft', 'published', 'suspended', 'bidding_closed', 'opening', 'evaluation',
    'candidates', 'candidates_publicised', 'awarded', 'contract', 'performance',
    'archived', 'cancelled', 'failed'));
