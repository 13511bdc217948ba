-- 0078 complaints to the supervising department (投诉, issue 14 item 4; Reg. 60-62;
-- docs/api-complaints.md).
--
-- ``complaints`` is read by the credit and agency work (CONTRACTS.md 2): keep the names
-- id, tender_id, complainant_id, respondent_id, matter, status, decision, decided_at.
-- A complaint is filed once, signed; then only its status moves forward, once per step
-- (filed -> accepted | refused | withdrawn; accepted -> decided | withdrawn), each step
-- a signed row of ``complaint_steps`` that is never changed or deleted (EBM 49).

CREATE TABLE complaints (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    department_id uuid NOT NULL REFERENCES organisations (id),
    complainant_id uuid NOT NULL REFERENCES organisations (id),
    -- The tender's agency for a matter of Reg. 22/44/54 (it answered the objection);
    -- NULL for another matter.
    respondent_id uuid REFERENCES organisations (id),
    matter text NOT NULL CHECK (matter IN ('documents', 'opening', 'candidates', 'other')),
    -- The objection made first (Reg. 60): tender_objections, opening_responses or
    -- candidate_objections by matter; NULL only for another matter.
    objection_id uuid,
    known_on date NOT NULL,
    text text NOT NULL CHECK (length(text) BETWEEN 1 AND 20000),
    statement bytea NOT NULL,
    signature bytea NOT NULL,
    cert_sha256 text NOT NULL CHECK (cert_sha256 ~ '^[0-9a-f]{64}$'),
    filed_by uuid NOT NULL REFERENCES users (id),
    filed_at timestamptz NOT NULL,
    filing_due timestamptz NOT NULL,
    late boolean NOT NULL,
    status text NOT NULL DEFAULT 'filed'
        CHECK (status IN ('filed', 'accepted', 'refused', 'decided', 'withdrawn')),
    decision text CHECK (decision IN ('upheld', 'dismissed', 'withdrawn')),
    accepted_at timestamptz,
    decided_at timestamptz,
    CHECK (late = (filed_at > filing_due)),
    CHECK ((matter = 'other') = (objection_id IS NULL)),
    CHECK ((matter = 'other') = (respondent_id IS NULL)),
    CHECK ((decision IS NULL) = (decided_at IS NULL)),
    CHECK ((status IN ('decided', 'withdrawn')) = (decision IS NOT NULL)),
    CHECK ((status = 'withdrawn') = (decision IS NOT DISTINCT FROM 'withdrawn')),
    CHECK (status NOT IN ('accepted', 'decided') OR accepted_at IS NOT NULL)
);
CREATE INDEX complaints_tender_idx ON complaints (tender_id, filed_at);
-- One signed statement files one complaint: the same bytes sent again are a replay.
CREATE UNIQUE INDEX complaints_statement_idx ON complaints (sha256(statement));
CREATE INDEX complaints_complainant_idx ON complaints (complainant_id, filed_at);
CREATE INDEX complaints_open_idx ON complaints (department_id)
    WHERE status IN ('filed', 'accepted');

-- Only the status, decision and their times move, forward, once each.
CREATE FUNCTION complaints_move_forward() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
        OR (NEW.id, NEW.tender_id, NEW.department_id, NEW.complainant_id, NEW.respondent_id,
            NEW.matter, NEW.objection_id, NEW.known_on, NEW.text, NEW.statement,
            NEW.signature, NEW.cert_sha256, NEW.filed_by, NEW.filed_at, NEW.filing_due,
            NEW.late) IS DISTINCT FROM
           (OLD.id, OLD.tender_id, OLD.department_id, OLD.complainant_id, OLD.respondent_id,
            OLD.matter, OLD.objection_id, OLD.known_on, OLD.text, OLD.statement,
            OLD.signature, OLD.cert_sha256, OLD.filed_by, OLD.filed_at, OLD.filing_due,
            OLD.late)
        OR NOT ((OLD.status = 'filed' AND NEW.status IN ('accepted', 'refused', 'withdrawn'))
             OR (OLD.status = 'accepted' AND NEW.status IN ('decided', 'withdrawn')))
        OR (OLD.accepted_at IS NOT NULL AND NEW.accepted_at IS DISTINCT FROM OLD.accepted_at)
    THEN
        RAISE EXCEPTION 'a complaint only moves forward, one step at a time'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'complaints_move_forward';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER complaints_move_forward BEFORE UPDATE OR DELETE ON complaints
    FOR EACH ROW EXECUTE FUNCTION complaints_move_forward();

-- Every step after the filing, signed (CMS detached over the canonical statement): the
-- department's (accept, refuse, pauses for testing or expert review and their end,
-- suspending and resuming the procedure, the decision) and the complainant's withdrawal.
CREATE TABLE complaint_steps (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    complaint_id uuid NOT NULL REFERENCES complaints (id),
    seq integer NOT NULL CHECK (seq >= 1),
    step text NOT NULL CHECK (step IN (
        'accept', 'refuse', 'pause_testing', 'pause_expert_review', 'end_pause',
        'suspend', 'resume', 'uphold', 'dismiss', 'withdraw')),
    text text NOT NULL CHECK (length(text) BETWEEN 1 AND 20000),
    statement bytea NOT NULL,
    signature bytea NOT NULL,
    cert_sha256 text NOT NULL CHECK (cert_sha256 ~ '^[0-9a-f]{64}$'),
    by_user uuid NOT NULL REFERENCES users (id),
    at timestamptz NOT NULL,
    due timestamptz,
    late boolean NOT NULL DEFAULT false,
    late_reason text CHECK (length(late_reason) BETWEEN 1 AND 2000),
    suspension_id uuid REFERENCES tender_suspensions (id),
    CHECK (NOT late OR late_reason IS NOT NULL),
    CHECK ((step IN ('suspend', 'resume')) = (suspension_id IS NOT NULL)),
    UNIQUE (complaint_id, seq)
);

CREATE FUNCTION complaint_steps_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'check_violation', CONSTRAINT = 'complaint_steps_append_only';
END $$;
CREATE TRIGGER complaint_steps_append_only BEFORE UPDATE OR DELETE ON complaint_steps
    FOR EACH ROW EXECUTE FUNCTION complaint_steps_append_only();

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'REVOKE DELETE, TRUNCATE ON complaints FROM etender_app';
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON complaint_steps FROM etender_app';
    END IF;
END
$$;
