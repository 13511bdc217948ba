-- 0120 a fresh salt for every bid version's commitment (issue 17 leftovers, item 1;
-- docs/audit-log.md §1.2 "fresh for every commitment", docs/formats/upload.md §4.2, §5).
--
-- Each submission and withdrawal entry names the bidder only as
-- data.bidder = commit(credit code, salt). Until now one salt per bid served every
-- version, so the log showed which entries were one bidder's before the deadline. Each
-- version now draws its own salt, kept here: the bidder reads it with its receipt, and
-- the freeze list reveals every version's salt of each standing bid. Versions written
-- before this migration keep NULL here: their salt is the bid's (bids.bidder_salt).
-- Set once, when the version is inserted (the append-only triggers of 0030/0093 refuse
-- any later change).

ALTER TABLE bid_versions
    ADD COLUMN bidder_salt bytea CHECK (bidder_salt IS NULL OR length(bidder_salt) = 32);
