-- 0036 two-envelope tenders: the commercial parts stay sealed until the host opens
-- that stage, after the technical record (DESIGN.md "Sealed bid"; issue 4, item 6).
CREATE TABLE opening_stages (
    lot_id uuid NOT NULL,
    tender_id uuid NOT NULL REFERENCES tenders (id),
    stage text NOT NULL CHECK (stage = 'commercial'),
    requested_by uuid NOT NULL REFERENCES users (id),
    requested_at timestamptz NOT NULL,
    PRIMARY KEY (lot_id, stage),
    FOREIGN KEY (tender_id, lot_id) REFERENCES tender_lots (tender_id, id)
);

CREATE TRIGGER opening_stages_append_only BEFORE UPDATE OR DELETE ON opening_stages
    FOR EACH ROW EXECUTE FUNCTION opening_append_only();
