-- 0022 bid bonds (保证金) and monitoring alerts (issue 4, item 4; DOMAIN.md
-- "Tender period": bond at most 2 %; "Monitoring": bonds paid from one account).

CREATE TABLE tender_bonds (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    lot_id uuid NOT NULL,
    bidder_id uuid NOT NULL REFERENCES organisations (id),
    kind text NOT NULL CHECK (kind IN ('transfer', 'guarantee')),
    amount_fen bigint NOT NULL CHECK (amount_fen BETWEEN 1 AND 9007199254740991),
    -- A transfer: when it arrived; a guarantee letter: when it was issued.
    paid_at timestamptz NOT NULL,
    paying_account text CHECK (paying_account ~ '^[0-9]{8,34}$'),
    guarantee_no text CHECK (length(guarantee_no) BETWEEN 1 AND 64),
    issuer text CHECK (length(issuer) BETWEEN 1 AND 200),
    status text NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'refunded')),
    recorded_by uuid NOT NULL REFERENCES users (id),
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- Reg. 57: set when the result is published (5 days, counted by the calendar).
    refund_due timestamptz,
    refunded_at timestamptz,
    refunded_by uuid REFERENCES users (id),
    refund_reference text CHECK (length(refund_reference) BETWEEN 1 AND 200),
    -- Who intends to bid is secret until the deadline: the log holds a commitment.
    bidder_salt bytea NOT NULL CHECK (length(bidder_salt) = 32),
    CHECK (kind <> 'transfer' OR (paying_account IS NOT NULL AND guarantee_no IS NULL
                                  AND issuer IS NULL)),
    CHECK (kind <> 'guarantee' OR (paying_account IS NULL AND guarantee_no IS NOT NULL
                                   AND issuer IS NOT NULL)),
    CHECK ((status = 'refunded') = (refunded_at IS NOT NULL)),
    CHECK ((refunded_at IS NULL) = (refunded_by IS NULL)),
    UNIQUE (lot_id, bidder_id),
    FOREIGN KEY (tender_id, lot_id) REFERENCES tender_lots (tender_id, id)
);
CREATE INDEX tender_bonds_account_idx ON tender_bonds (tender_id, paying_account)
    WHERE paying_account IS NOT NULL;
-- One guarantee letter secures one bid.
CREATE UNIQUE INDEX tender_bonds_guarantee_idx ON tender_bonds (issuer, guarantee_no)
    WHERE kind = 'guarantee';

-- Monitoring alerts (DOMAIN.md, "Monitoring and supervision"); ``subject`` makes a
-- repeated detection idempotent.
CREATE TABLE tender_alerts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    kind text NOT NULL CHECK (kind ~ '^[a-z_]{1,64}$'),
    subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    data jsonb NOT NULL CHECK (jsonb_typeof(data) = 'object'),
    raised_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (tender_id, kind, subject)
);
