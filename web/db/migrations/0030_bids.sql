-- 0030 sealed bids: resumable uploads, bids, versions, parts, receipts and freeze lists
-- (issue 4, item 5; DESIGN.md "Submission, receipt, freeze").

-- One resumable upload of one sealed part (docs/formats/upload.md). The bytes live in
-- the blob store's staging directory until the last chunk, then under their SHA-256.
CREATE TABLE bid_uploads (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    lot_id uuid NOT NULL,
    bidder_id uuid NOT NULL REFERENCES organisations (id),
    created_by uuid NOT NULL REFERENCES users (id),
    part text NOT NULL CHECK (part IN ('main', 'technical', 'commercial')),
    declared_size bigint NOT NULL CHECK (declared_size BETWEEN 1 AND 1099511627776),
    declared_sha256 text NOT NULL CHECK (declared_sha256 ~ '^[0-9a-f]{64}$'),
    staging_id text NOT NULL UNIQUE CHECK (staging_id ~ '^[A-Za-z0-9_-]{8,64}$'),
    committed_offset bigint NOT NULL DEFAULT 0 CHECK (committed_offset BETWEEN 0 AND declared_size),
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'complete', 'failed')),
    failure text CHECK (length(failure) BETWEEN 1 AND 64),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    completed_at timestamptz,
    CHECK ((status = 'complete') = (completed_at IS NOT NULL)),
    CHECK (status <> 'complete' OR committed_offset = declared_size),
    CHECK ((status = 'failed') = (failure IS NOT NULL)),
    FOREIGN KEY (tender_id, lot_id) REFERENCES tender_lots (tender_id, id)
);
CREATE INDEX bid_uploads_owner_idx ON bid_uploads (lot_id, bidder_id, declared_sha256);

-- One bid per bidder (or consortium, held by its lead member's organisation) per lot.
CREATE TABLE bids (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    lot_id uuid NOT NULL,
    bidder_id uuid NOT NULL REFERENCES organisations (id),
    -- Credit codes of the other consortium members (联合体), lead member excluded.
    consortium text[] NOT NULL DEFAULT '{}',
    status text NOT NULL CHECK (status IN ('submitted', 'withdrawn')),
    version integer NOT NULL CHECK (version >= 1),
    -- Who bid is secret until the deadline: the log holds commit(credit code, salt).
    bidder_salt bytea NOT NULL CHECK (length(bidder_salt) = 32),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (lot_id, bidder_id),
    FOREIGN KEY (tender_id, lot_id) REFERENCES tender_lots (tender_id, id)
);

-- Every version is kept: submissions and withdrawals, each with its signed statement
-- and the platform's signed receipt.
CREATE TABLE bid_versions (
    bid_id uuid NOT NULL REFERENCES bids (id),
    version integer NOT NULL CHECK (version >= 1),
    kind text NOT NULL CHECK (kind IN ('submit', 'withdraw')),
    statement bytea NOT NULL,
    signature bytea NOT NULL,
    statement_sha256 text NOT NULL UNIQUE CHECK (statement_sha256 ~ '^[0-9a-f]{64}$'),
    signer_cert_sha256 text NOT NULL CHECK (signer_cert_sha256 ~ '^[0-9a-f]{64}$'),
    submitted_by uuid NOT NULL REFERENCES users (id),
    received_at timestamptz NOT NULL,
    log_index bigint NOT NULL UNIQUE,
    receipt bytea NOT NULL,
    receipt_signature bytea NOT NULL,
    PRIMARY KEY (bid_id, version)
);

CREATE TABLE bid_parts (
    bid_id uuid NOT NULL,
    version integer NOT NULL,
    part text NOT NULL CHECK (part IN ('main', 'technical', 'commercial')),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size bigint NOT NULL CHECK (size >= 1),
    upload_id uuid NOT NULL REFERENCES bid_uploads (id),
    PRIMARY KEY (bid_id, version, part),
    FOREIGN KEY (bid_id, version) REFERENCES bid_versions (bid_id, version)
);

-- The freeze list of a lot, written once at the deadline (DESIGN.md "Submission,
-- receipt, freeze"); its entries name each bidder's final part hashes.
CREATE TABLE bid_freeze_lists (
    lot_id uuid PRIMARY KEY,
    tender_id uuid NOT NULL REFERENCES tenders (id),
    frozen_at timestamptz NOT NULL,
    log_index bigint NOT NULL UNIQUE,
    list_sha256 text NOT NULL CHECK (list_sha256 ~ '^[0-9a-f]{64}$'),
    FOREIGN KEY (tender_id, lot_id) REFERENCES tender_lots (tender_id, id)
);

CREATE TABLE bid_freeze_entries (
    lot_id uuid NOT NULL REFERENCES bid_freeze_lists (lot_id),
    bid_id uuid NOT NULL REFERENCES bids (id),
    bidder_id uuid NOT NULL REFERENCES organisations (id),
    version integer NOT NULL,
    parts jsonb NOT NULL CHECK (jsonb_typeof(parts) = 'array'),
    PRIMARY KEY (lot_id, bidder_id),
    UNIQUE (bid_id),
    FOREIGN KEY (bid_id, version) REFERENCES bid_versions (bid_id, version)
);

-- After the freeze nothing about a lot's bids changes, whoever connects (DESIGN.md,
-- trust model 3: the platform cannot swap versions). Freeze lists are append-only.
CREATE FUNCTION bids_frozen_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    bid uuid;
    lot uuid;
BEGIN
    IF TG_TABLE_NAME = 'bids' THEN
        lot := CASE WHEN TG_OP = 'DELETE' THEN OLD.lot_id ELSE NEW.lot_id END;
    ELSE
        bid := CASE WHEN TG_OP = 'DELETE' THEN OLD.bid_id ELSE NEW.bid_id END;
        SELECT b.lot_id INTO lot FROM bids b WHERE b.id = bid;
    END IF;
    IF EXISTS (SELECT FROM bid_freeze_lists f WHERE f.lot_id = lot) THEN
        RAISE EXCEPTION 'the bids of this lot are frozen' USING ERRCODE = 'check_violation',
            CONSTRAINT = 'bids_frozen';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER bids_frozen BEFORE INSERT OR UPDATE OR DELETE ON bids
    FOR EACH ROW EXECUTE FUNCTION bids_frozen_guard();
CREATE TRIGGER bid_versions_frozen BEFORE INSERT OR UPDATE OR DELETE ON bid_versions
    FOR EACH ROW EXECUTE FUNCTION bids_frozen_guard();
CREATE TRIGGER bid_parts_frozen BEFORE INSERT OR UPDATE OR DELETE ON bid_parts
    FOR EACH ROW EXECUTE FUNCTION bids_frozen_guard();

-- Versions, parts and freeze lists are never rewritten.
CREATE FUNCTION bids_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'check_violation', CONSTRAINT = 'bids_append_only';
END $$;

CREATE TRIGGER bid_versions_append_only BEFORE UPDATE OR DELETE ON bid_versions
    FOR EACH ROW EXECUTE FUNCTION bids_append_only();
CREATE TRIGGER bid_parts_append_only BEFORE UPDATE OR DELETE ON bid_parts
    FOR EACH ROW EXECUTE FUNCTION bids_append_only();
CREATE TRIGGER bid_freeze_lists_append_only BEFORE UPDATE OR DELETE ON bid_freeze_lists
    FOR EACH ROW EXECUTE FUNCTION bids_append_only();
CREATE TRIGGER bid_freeze_entries_append_only BEFORE UPDATE OR DELETE ON bid_freeze_entries
    FOR EACH ROW EXECUTE FUNCTION bids_append_only();
