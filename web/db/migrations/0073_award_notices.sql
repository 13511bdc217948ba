-- 0073 the award notices and the draws' publication (issue 13, item 3).
--
-- award_notices: the award notice (中标通知书) to the current award's bidder and the
-- result notice (中标结果通知书) to every other bidder of the lot whose bid was opened
-- (Law 45). Each is a deterministic PDF with the platform's detached CMS signature
-- (docs/formats/award-notice.md); its SHA-256 is logged. A notice is evidence (EBM 49):
-- never deleted, never changed, except that a later award of the lot (a drop-out, Reg.
-- 55) marks the earlier set superseded, once.
--
-- draw_publications: what the award makes public of a tender's completed draws (the
-- holes issue: the only way a draw becomes public): the transcript with its seed, the
-- pool digests and the seated members' names, as canonical JSON whose SHA-256 is
-- logged. The pools themselves are not in it: they stay with the supervisors.

CREATE TABLE award_notices (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    lot text NOT NULL CHECK (lot ~ '^[1-9][0-9]?$'),
    award_id uuid NOT NULL REFERENCES award_decisions (id),
    kind text NOT NULL CHECK (kind IN ('award', 'result')),
    bid_id uuid NOT NULL REFERENCES bids (id),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    pdf bytea NOT NULL CHECK (length(pdf) > 0),
    pdf_sha256 text NOT NULL CHECK (pdf_sha256 ~ '^[0-9a-f]{64}$'),
    signature bytea NOT NULL CHECK (length(signature) > 0),
    issued_at timestamptz NOT NULL,
    log_index bigint NOT NULL CHECK (log_index >= 0),
    superseded_at timestamptz,
    superseded_by uuid REFERENCES award_decisions (id),
    CHECK ((superseded_at IS NULL) = (superseded_by IS NULL)),
    CHECK (superseded_by IS DISTINCT FROM award_id),
    UNIQUE (award_id, organisation_id)
);
-- One standing notice per bidder and lot: the older set is superseded first.
CREATE UNIQUE INDEX award_notices_standing_idx ON award_notices (tender_id, lot, organisation_id)
    WHERE superseded_at IS NULL;
CREATE INDEX award_notices_organisation_idx ON award_notices (organisation_id, issued_at);

-- Only the superseding columns change, once, from empty (EBM 49).
CREATE FUNCTION award_notices_kept() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.superseded_at IS NULL AND NEW.superseded_at IS NOT NULL
       AND (NEW.id, NEW.tender_id, NEW.lot, NEW.award_id, NEW.kind, NEW.bid_id,
            NEW.organisation_id, NEW.pdf, NEW.pdf_sha256, NEW.signature, NEW.issued_at,
            NEW.log_index)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.tender_id, OLD.lot, OLD.award_id, OLD.kind, OLD.bid_id,
            OLD.organisation_id, OLD.pdf, OLD.pdf_sha256, OLD.signature, OLD.issued_at,
            OLD.log_index) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'award notices are never changed or deleted, only superseded once'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'award_notices_kept';
END $$;

CREATE TRIGGER award_notices_kept BEFORE UPDATE OR DELETE ON award_notices
    FOR EACH ROW EXECUTE FUNCTION award_notices_kept();

CREATE TABLE draw_publications (
    draw_id text COLLATE "C" PRIMARY KEY REFERENCES draws (id),
    tender_id text NOT NULL CHECK (tender_id ~ '^[A-Za-z0-9_-]{1,64}$'),
    body bytea NOT NULL CHECK (length(body) > 0),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    published_at timestamptz NOT NULL
);
CREATE INDEX draw_publications_tender_idx ON draw_publications (tender_id, draw_id);

CREATE FUNCTION draw_publications_kept() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a draw''s publication is never changed or deleted'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'draw_publications_kept';
END $$;

CREATE TRIGGER draw_publications_kept BEFORE UPDATE OR DELETE ON draw_publications
    FOR EACH ROW EXECUTE FUNCTION draw_publications_kept();

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'REVOKE DELETE, TRUNCATE ON award_notices, draw_publications FROM etender_app';
        EXECUTE 'REVOKE UPDATE ON award_notices, draw_publications FROM etender_app';
        EXECUTE 'GRANT UPDATE (superseded_at, superseded_by) ON award_notices TO etender_app';
    END IF;
END
$$;
