-- 0035 the opening (issue 4, item 6; DESIGN.md "Opening"): released shares, bidders'
-- self-decryption keys, each part's result, and the signed opening record.

-- One official's release for one part: its share (matches the commitment) or, in a
-- dispute, the X25519 shared secret it reveals. Never changed once written.
CREATE TABLE opening_releases (
    bid_id uuid NOT NULL REFERENCES bids (id),
    part text NOT NULL CHECK (part IN ('main', 'technical', 'commercial')),
    x smallint NOT NULL CHECK (x BETWEEN 1 AND 32),
    official_id uuid NOT NULL REFERENCES users (id),
    share bytea CHECK (length(share) = 16),
    revealed_secret bytea CHECK (length(revealed_secret) = 32),
    released_at timestamptz NOT NULL,
    CHECK (share IS NOT NULL OR revealed_secret IS NOT NULL),
    PRIMARY KEY (bid_id, part, x)
);

-- A bidder's self-decryption key, checked against the header MAC before it is stored.
CREATE TABLE opening_self_keys (
    bid_id uuid NOT NULL REFERENCES bids (id),
    part text NOT NULL CHECK (part IN ('main', 'technical', 'commercial')),
    file_key bytea NOT NULL CHECK (length(file_key) = 16),
    submitted_by uuid NOT NULL REFERENCES users (id),
    submitted_at timestamptz NOT NULL,
    PRIMARY KEY (bid_id, part)
);

-- What a part became: opened (with its opening-form fields) or failed (cause, party).
CREATE TABLE opening_results (
    bid_id uuid NOT NULL REFERENCES bids (id),
    part text NOT NULL CHECK (part IN ('main', 'technical', 'commercial')),
    outcome text NOT NULL CHECK (outcome IN ('opened', 'revoked', 'withdrawn')),
    cause text CHECK (length(cause) BETWEEN 1 AND 64),
    party text CHECK (party IN ('none', 'bidder', 'official', 'platform')),
    opened_by text CHECK (opened_by IN ('officials', 'bidder')),
    fields jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(fields) = 'object'),
    manifest_sha256 text CHECK (manifest_sha256 ~ '^[0-9a-f]{64}$'),
    settled_at timestamptz NOT NULL,
    CHECK ((outcome = 'opened') = (cause IS NULL)),
    CHECK ((cause IS NULL) = (party IS NULL)),
    CHECK (outcome <> 'opened' OR (opened_by IS NOT NULL AND manifest_sha256 IS NOT NULL)),
    CHECK (outcome = 'opened' OR fields = '{}'),
    PRIMARY KEY (bid_id, part)
);

-- The signed record of one lot's opening (of one part label for two-envelope tenders).
CREATE TABLE opening_records (
    lot_id uuid NOT NULL,
    tender_id uuid NOT NULL REFERENCES tenders (id),
    part text NOT NULL CHECK (part IN ('main', 'technical', 'commercial')),
    body bytea NOT NULL,
    signature bytea NOT NULL,
    record_sha256 text NOT NULL CHECK (record_sha256 ~ '^[0-9a-f]{64}$'),
    log_index bigint NOT NULL UNIQUE,
    published_at timestamptz NOT NULL,
    PRIMARY KEY (lot_id, part),
    FOREIGN KEY (tender_id, lot_id) REFERENCES tender_lots (tender_id, id)
);

-- Bidders' confirmations (a CMS signature over the record bytes) and objections,
-- with the host's answer (Reg. 44: answered on the spot and recorded).
CREATE TABLE opening_responses (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    lot_id uuid NOT NULL,
    part text NOT NULL,
    bidder_id uuid NOT NULL REFERENCES organisations (id),
    kind text NOT NULL CHECK (kind IN ('confirm', 'object')),
    signature bytea,
    objection text CHECK (length(objection) BETWEEN 1 AND 4000),
    answer text CHECK (length(answer) BETWEEN 1 AND 4000),
    answered_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL,
    answered_at timestamptz,
    CHECK ((kind = 'confirm') = (signature IS NOT NULL)),
    CHECK ((kind = 'object') = (objection IS NOT NULL)),
    CHECK ((answer IS NULL) = (answered_at IS NULL) AND (answer IS NULL) = (answered_by IS NULL)),
    FOREIGN KEY (lot_id, part) REFERENCES opening_records (lot_id, part)
);
CREATE UNIQUE INDEX opening_one_confirmation ON opening_responses (lot_id, part, bidder_id)
    WHERE kind = 'confirm';

-- Released shares, keys, results and records are facts: never rewritten.
CREATE FUNCTION opening_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'check_violation', CONSTRAINT = 'opening_append_only';
END $$;

CREATE TRIGGER opening_releases_append_only BEFORE UPDATE OR DELETE ON opening_releases
    FOR EACH ROW EXECUTE FUNCTION opening_append_only();
CREATE TRIGGER opening_self_keys_append_only BEFORE UPDATE OR DELETE ON opening_self_keys
    FOR EACH ROW EXECUTE FUNCTION opening_append_only();
CREATE TRIGGER opening_results_append_only BEFORE UPDATE OR DELETE ON opening_results
    FOR EACH ROW EXECUTE FUNCTION opening_append_only();
CREATE TRIGGER opening_records_append_only BEFORE UPDATE OR DELETE ON opening_records
    FOR EACH ROW EXECUTE FUNCTION opening_append_only();
