-- 0110 the timed auction (限时竞价) and the listing period's bids (issue 18, item 2;
-- docs/formats/auction.md). One row per auction holds the standing price and the
-- current end; every bid locks it (SELECT … FOR UPDATE) and is decided by the database
-- clock under that lock, so bids are numbered in commit order and the end is exact.
-- Bidders appear only by their number (竞买号); the listing lane names them after the end.

-- The auction's clock, in one place: the database's clock_timestamp() — read after the
-- row lock is granted, so it orders as the bids commit (docs/formats/auction.md §7).
-- A test replaces its body with a fixed time to put a bid in a countdown's last second
-- without racing the wall clock, and puts this body back.
CREATE FUNCTION auction_clock() RETURNS timestamptz
    LANGUAGE sql VOLATILE AS $$ SELECT clock_timestamp() $$;

CREATE TABLE auctions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject_kind text NOT NULL CHECK (subject_kind ~ '^[a-z_]{1,32}$'),
    subject_id bigint NOT NULL,
    start_price_fen bigint NOT NULL CHECK (start_price_fen > 0),
    increment_fen bigint NOT NULL CHECK (increment_fen > 0),
    listing_ends_at timestamptz NOT NULL,
    countdown_seconds integer NOT NULL CHECK (countdown_seconds BETWEEN 1 AND 3600),
    phase text NOT NULL DEFAULT 'listing' CHECK (phase IN ('listing', 'countdown', 'ended')),
    -- The current end: listing_ends_at while listing, the countdown's end after.
    ends_at timestamptz NOT NULL,
    standing_price_fen bigint CHECK (standing_price_fen >= start_price_fen),
    standing_number text,
    bids integer NOT NULL DEFAULT 0 CHECK (bids >= 0),
    live_session_id uuid NOT NULL UNIQUE REFERENCES live_sessions (id),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (subject_kind, subject_id),
    CHECK ((standing_price_fen IS NULL) = (standing_number IS NULL)),
    CHECK ((bids = 0) = (standing_price_fen IS NULL)),
    CHECK (phase = 'listing' OR ends_at >= listing_ends_at)
);

-- The standing price never falls nor goes away (each bid raises it): the room refuses a
-- bid signed against a lower one before its signature is checked (auction.md §5).
CREATE FUNCTION auctions_standing_rises() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.standing_price_fen IS NOT NULL AND (NEW.standing_price_fen IS NULL
            OR NEW.standing_price_fen < OLD.standing_price_fen) THEN
        RAISE EXCEPTION 'an auction''s standing price never falls'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'auctions_standing_rises';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER auctions_standing_rises BEFORE UPDATE ON auctions
    FOR EACH ROW EXECUTE FUNCTION auctions_standing_rises();

CREATE TABLE auction_bidders (
    auction_id bigint NOT NULL REFERENCES auctions (id),
    number text NOT NULL CHECK (number ~ '^[A-Za-z0-9-]{1,16}$'),
    account_id uuid NOT NULL REFERENCES users (id),
    org_id uuid NOT NULL REFERENCES organisations (id),
    in_countdown boolean NOT NULL DEFAULT false,
    -- The bidder's own bid sequence: its k-th signed bid carries seq k (replays refused).
    bids integer NOT NULL DEFAULT 0 CHECK (bids >= 0),
    PRIMARY KEY (auction_id, number),
    UNIQUE (auction_id, account_id),
    UNIQUE (auction_id, org_id)
);

CREATE TABLE auction_bids (
    auction_id bigint NOT NULL REFERENCES auctions (id),
    n integer NOT NULL CHECK (n >= 1),
    number text NOT NULL,
    bidder_seq integer NOT NULL CHECK (bidder_seq >= 1),
    phase text NOT NULL CHECK (phase IN ('listing', 'countdown')),
    price_fen bigint NOT NULL CHECK (price_fen > 0),
    placed_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    form bytea NOT NULL,
    signature bytea NOT NULL,
    -- The bidder's registered certificate that signed it (GET /api/v1/me/signatures).
    signer_cert_sha256 text NOT NULL CHECK (signer_cert_sha256 ~ '^[0-9a-f]{64}$'),
    log_queued bigint NOT NULL,
    PRIMARY KEY (auction_id, n),
    UNIQUE (auction_id, number, bidder_seq),
    FOREIGN KEY (auction_id, number) REFERENCES auction_bidders (auction_id, number)
);

-- Bids are never changed or deleted (the log holds them too).
CREATE FUNCTION auction_bids_kept() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'an auction bid is never changed or deleted'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'auction_bids_kept';
END $$;

CREATE TRIGGER auction_bids_kept BEFORE UPDATE OR DELETE ON auction_bids
    FOR EACH ROW EXECUTE FUNCTION auction_bids_kept();
