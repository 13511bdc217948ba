-- 0105 listings of land use rights, mining rights and state-owned property (issue 18,
-- items 1 and 3): the notice, bidders (竞买人) with deposits and numbers, the sealed
-- reserve (底价) with its released shares, and the deal's two signatures. The bidding
-- itself is the auction lane's (listing/auction/); a listing names its auction by id.

CREATE SEQUENCE listing_code_seq;

CREATE TABLE listings (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- The number the bidding engine knows the listing by (its auctions.subject_id is a
    -- bigint, PLAN.md's contract); also the code's serial.
    serial bigint NOT NULL UNIQUE,
    code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z]{2,8}-GP-[0-9]{4}-[0-9]{4,}$'),
    kind text NOT NULL CHECK (kind IN ('land_use', 'mining', 'state_property')),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    seller_id uuid NOT NULL REFERENCES organisations (id),
    agency_id uuid NOT NULL REFERENCES organisations (id),
    created_by uuid NOT NULL REFERENCES users (id),
    published_at timestamptz NOT NULL,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    start_price_fen bigint NOT NULL CHECK (start_price_fen > 0),
    increment_fen bigint NOT NULL CHECK (increment_fen > 0),
    deposit_fen bigint NOT NULL CHECK (deposit_fen > 0),
    countdown_seconds integer NOT NULL CHECK (countdown_seconds > 0),
    has_reserve boolean NOT NULL,
    committee_k integer NOT NULL,
    officials uuid[] NOT NULL,
    committee bytea NOT NULL,
    policies jsonb NOT NULL,
    status text NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'auction', 'agreement', 'decided', 'concluded')),
    auction_id bigint,
    reserve bytea CHECK (length(reserve) <= 65536),
    reserve_sha256 text CHECK (reserve_sha256 ~ '^[0-9a-f]{64}$'),
    reserve_sealed_at timestamptz,
    reserve_fen bigint,
    outcome text CHECK (outcome IN ('sold', 'no_bids', 'below_reserve')),
    winner_number text,
    price_fen bigint,
    decided_at timestamptz,
    concluded_at timestamptz,
    CHECK (starts_at > published_at AND ends_at > starts_at),
    CHECK ((reserve IS NULL) = (reserve_sha256 IS NULL))
);

CREATE TABLE listing_bidders (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    listing_id uuid NOT NULL REFERENCES listings (id),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    user_id uuid NOT NULL REFERENCES users (id),
    number text CHECK (number ~ '^[0-9]{6}$'),
    qualification text NOT NULL DEFAULT 'pending'
        CHECK (qualification IN ('pending', 'qualified', 'refused')),
    reason text CHECK (length(reason) <= 2000),
    deposit text NOT NULL DEFAULT 'none'
        CHECK (deposit IN ('none', 'held', 'applied', 'refund_due', 'refunded')),
    deposit_kind text CHECK (deposit_kind IN ('transfer', 'guarantee')),
    deposit_fen bigint CHECK (deposit_fen > 0),
    paid_at timestamptz,
    paying_account text,
    guarantee_no text,
    refund_reference text CHECK (length(refund_reference) <= 100),
    wants_to_go_on boolean NOT NULL DEFAULT false,
    registered_at timestamptz NOT NULL,
    UNIQUE (listing_id, organisation_id),
    UNIQUE (listing_id, number)
);

-- One row per official who released its share of the sealed reserve (checked against
-- the share's commitment in the reserve's header before it is stored).
CREATE TABLE listing_reserve_shares (
    listing_id uuid NOT NULL REFERENCES listings (id),
    x integer NOT NULL CHECK (x BETWEEN 1 AND 32),
    user_id uuid NOT NULL REFERENCES users (id),
    share bytea NOT NULL,
    released_at timestamptz NOT NULL,
    PRIMARY KEY (listing_id, x)
);

-- The confirmation of the deal (成交确认书): one signature per side over one statement.
CREATE TABLE listing_confirmations (
    listing_id uuid NOT NULL REFERENCES listings (id),
    side text NOT NULL CHECK (side IN ('seller', 'buyer')),
    user_id uuid NOT NULL REFERENCES users (id),
    statement bytea NOT NULL,
    signature bytea NOT NULL,
    cert_sha256 text NOT NULL,
    signed_at timestamptz NOT NULL,
    PRIMARY KEY (listing_id, side)
);
