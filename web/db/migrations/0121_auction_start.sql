-- 0121 the listing period's start in the auction (issue 18, item 2; docs/formats/auction.md
-- §2, §5 rule 5): a bidder qualified during the notice period (公告期) is registered with
-- the engine before bids are taken, and the engine refuses a bid before the start
-- (auction_not_started) by the same database clock it ends the auction by.
ALTER TABLE auctions ADD COLUMN listing_starts_at timestamptz;

-- Existing rows: a listing's auction takes its listing's start (listings.serial is the
-- auction's subject_id); any other (none is made but by the listing package) its creation,
-- which is when it took bids from until now. Never after the listing's end.
UPDATE auctions a SET listing_starts_at = l.starts_at
FROM listings l
WHERE a.subject_kind = 'listing' AND l.serial = a.subject_id;
UPDATE auctions SET listing_starts_at = LEAST(created_at, listing_ends_at - interval '1 second')
WHERE listing_starts_at IS NULL OR listing_starts_at >= listing_ends_at;

ALTER TABLE auctions
    ALTER COLUMN listing_starts_at SET NOT NULL,
    ADD CONSTRAINT auctions_listing_starts_before_end CHECK (listing_starts_at < listing_ends_at);

-- The end job (web/auction/jobs.py) looks for countdowns past their end often: only the
-- rows counting down, by their end.
CREATE INDEX auctions_counting_down ON auctions (ends_at) WHERE phase = 'countdown';
