-- 0128 a recorded deposit can be corrected (the outside tester's finding 10: a clerk's
-- typo was permanent). The bidder's row holds the deposit as it stands; each correction
-- keeps here the record it replaced, with who corrected it, when and why — and the log
-- has `listing.deposit_corrected` (docs/api-listing.md, "Deposits").

CREATE TABLE listing_deposit_corrections (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bidder_id uuid NOT NULL REFERENCES listing_bidders (id),
    corrected_by uuid NOT NULL REFERENCES users (id),
    corrected_at timestamptz NOT NULL,
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    -- The replaced record, as listing_bidders held it.
    deposit_kind text NOT NULL CHECK (deposit_kind IN ('transfer', 'guarantee')),
    deposit_fen bigint NOT NULL CHECK (deposit_fen > 0),
    paid_at timestamptz NOT NULL,
    paying_account text,
    guarantee_no text
);

CREATE INDEX listing_deposit_corrections_bidder ON listing_deposit_corrections (bidder_id);

-- History is kept: the application adds corrections, never changes or removes one.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON listing_deposit_corrections FROM etender_app';
    END IF;
END
$$;
