-- 0072 what the award, a failure or a cancellation leaves behind (issue 13, items 3 and
-- 6; docs/api-results.md): whether the project is state-funded (Reg. 55), the public
-- result announcement of each award decision, the written report on the procedure to
-- the supervising department (Law 47) and a failed or cancelled tender's notice.
--
-- Nothing here is changed or deleted (EBM 49), except the procedure report's
-- submission, written once into the row the award opened.

-- Reg. 55 binds state-funded projects (依法必须进行招标且国有资金占控股或者主导地位):
-- only the first-ranked current candidate may be awarded. A tender is state-funded
-- unless its agency declared otherwise, once, before the tender's first award decision.
CREATE TABLE tender_funding (
    tender_id uuid PRIMARY KEY REFERENCES tenders (id),
    state_funded boolean NOT NULL,
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    declared_at timestamptz NOT NULL,
    declared_by uuid NOT NULL REFERENCES users (id)
);

-- The result announcement (中标结果公告) of a lot, one per award or re-tender decision:
-- canonical JSON whose SHA-256 is logged, so the same text is served everywhere.
CREATE TABLE result_announcements (
    decision_id uuid PRIMARY KEY REFERENCES award_decisions (id),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    lot text NOT NULL CHECK (lot ~ '^[1-9][0-9]?$'),
    body jsonb NOT NULL CHECK (jsonb_typeof(body) = 'object'),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    published_at timestamptz NOT NULL
);
CREATE INDEX result_announcements_tender_idx ON result_announcements (tender_id, lot);

-- Law 47: the written report on the procedure reaches the supervising department
-- within 15 days of the award. The row opens when the tender is awarded (with its due
-- time); the agency's signed statement fills it once.
CREATE TABLE procedure_reports (
    tender_id uuid PRIMARY KEY REFERENCES tenders (id),
    awarded_at timestamptz NOT NULL,
    due_at timestamptz NOT NULL CHECK (due_at > awarded_at),
    text text CHECK (length(text) BETWEEN 1 AND 20000),
    statement bytea,
    signature bytea,
    cert_sha256 text CHECK (cert_sha256 ~ '^[0-9a-f]{64}$'),
    submitted_at timestamptz,
    submitted_by uuid REFERENCES users (id),
    CHECK ((text IS NULL) = (statement IS NULL)),
    CHECK ((text IS NULL) = (signature IS NULL)),
    CHECK ((text IS NULL) = (cert_sha256 IS NULL)),
    CHECK ((text IS NULL) = (submitted_at IS NULL)),
    CHECK ((text IS NULL) = (submitted_by IS NULL))
);

-- A failed (too few bids, every bid rejected, every lot re-tendered) or cancelled
-- tender's public notice, with its reason.
CREATE TABLE tender_closures (
    tender_id uuid PRIMARY KEY REFERENCES tenders (id),
    kind text NOT NULL CHECK (kind IN ('failed', 'cancelled')),
    cause text NOT NULL CHECK (cause IN ('too_few_bids', 'all_bids_rejected',
        'every_lot_retendered', 'cancelled')),
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    body jsonb NOT NULL CHECK (jsonb_typeof(body) = 'object'),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    published_at timestamptz NOT NULL,
    decided_by uuid REFERENCES users (id),
    CHECK ((kind = 'cancelled') = (cause = 'cancelled'))
);

CREATE TRIGGER tender_funding_append_only BEFORE UPDATE OR DELETE
    ON tender_funding FOR EACH ROW EXECUTE FUNCTION tender_results_append_only();
CREATE TRIGGER result_announcements_append_only BEFORE UPDATE OR DELETE
    ON result_announcements FOR EACH ROW EXECUTE FUNCTION tender_results_append_only();
CREATE TRIGGER tender_closures_append_only BEFORE UPDATE OR DELETE
    ON tender_closures FOR EACH ROW EXECUTE FUNCTION tender_results_append_only();

-- The submission is written once: a submitted report is never changed.
CREATE FUNCTION procedure_reports_submit_once() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.submitted_at IS NOT NULL
        OR NEW.tender_id <> OLD.tender_id OR NEW.awarded_at <> OLD.awarded_at
        OR NEW.due_at <> OLD.due_at THEN
        RAISE EXCEPTION 'a procedure report is submitted once and never changed'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'procedure_reports_submit_once';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER procedure_reports_submit_once BEFORE UPDATE OR DELETE
    ON procedure_reports FOR EACH ROW EXECUTE FUNCTION procedure_reports_submit_once();

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON tender_funding, result_announcements, '
                'tender_closures FROM etender_app';
        EXECUTE 'REVOKE DELETE, TRUNCATE ON procedure_reports FROM etender_app';
    END IF;
END
$$;
