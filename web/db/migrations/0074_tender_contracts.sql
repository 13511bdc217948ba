-- 0074 the contract and its performance (issue 13, items 4-5; DOMAIN.md "Results and
-- disclosure"; Law 46, Reg. 57), and the suspensions that stop the issue's clocks.
--
-- Nothing here is changed or deleted (EBM 49), except a suspension's end, written once
-- when the suspension is lifted. Changes to a contract are new rows, never edits.

CREATE FUNCTION tender_contracts_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'check_violation', CONSTRAINT = 'tender_contracts_append_only';
END $$;

-- A suspension of the procedure (a complaint's, Reg. 60-62; filled by the supervision
-- work). While one runs, the 30-day contract clock and the 5-day refund clock stand
-- still (tender/suspensions). ``ends_at`` is NULL while it runs, then written once.
CREATE TABLE tender_suspensions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    starts_at timestamptz NOT NULL,
    ends_at timestamptz,
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    source text NOT NULL CHECK (source ~ '^[a-z_]{1,32}$'),
    recorded_by uuid NOT NULL REFERENCES users (id),
    recorded_at timestamptz NOT NULL,
    ended_by uuid REFERENCES users (id),
    CHECK (ends_at IS NULL OR ends_at > starts_at),
    CHECK ((ends_at IS NULL) = (ended_by IS NULL))
);
CREATE INDEX tender_suspensions_tender_idx ON tender_suspensions (tender_id, starts_at);
-- One running suspension per tender at a time.
CREATE UNIQUE INDEX tender_suspensions_running_idx ON tender_suspensions (tender_id)
    WHERE ends_at IS NULL;

CREATE FUNCTION tender_suspensions_end_once() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.ends_at IS NOT NULL
        OR (NEW.id, NEW.tender_id, NEW.starts_at, NEW.reason, NEW.source, NEW.recorded_by,
            NEW.recorded_at) IS DISTINCT FROM
           (OLD.id, OLD.tender_id, OLD.starts_at, OLD.reason, OLD.source, OLD.recorded_by,
            OLD.recorded_at) THEN
        RAISE EXCEPTION 'a suspension is only ended, once'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'tender_suspensions_end_once';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER tender_suspensions_end_once BEFORE UPDATE OR DELETE ON tender_suspensions
    FOR EACH ROW EXECUTE FUNCTION tender_suspensions_end_once();

-- The contract of one lot (Law 46: within 30 days of the award notice, on the terms of
-- the tender documents and the winning bid; Reg. 57: no other agreement on the main
-- terms). Recorded by the agency on the tenderer's behalf. ``late_reason`` is required
-- when it came after ``deadline`` (the clock having skipped suspended time).
CREATE TABLE tender_contracts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    lot text NOT NULL CHECK (lot ~ '^[1-9][0-9]?$'),
    award_id uuid NOT NULL REFERENCES award_decisions (id),
    bid_id uuid NOT NULL REFERENCES bids (id),
    supplier_id uuid NOT NULL REFERENCES organisations (id),
    price_fen bigint NOT NULL CHECK (price_fen BETWEEN 0 AND 9007199254740991),
    duration_days integer CHECK (duration_days BETWEEN 0 AND 36500),
    quality text CHECK (length(quality) BETWEEN 1 AND 200),
    project_manager text CHECK (length(project_manager) BETWEEN 1 AND 200),
    scope text NOT NULL CHECK (length(scope) BETWEEN 1 AND 200),
    document_sha256 text NOT NULL CHECK (document_sha256 ~ '^[0-9a-f]{64}$'),
    signed_on date NOT NULL,
    deadline timestamptz NOT NULL,
    late boolean NOT NULL,
    late_reason text CHECK (length(late_reason) BETWEEN 1 AND 2000),
    recorded_by uuid NOT NULL REFERENCES users (id),
    recorded_at timestamptz NOT NULL,
    log_index bigint NOT NULL CHECK (log_index >= 0),
    CHECK (late = (recorded_at > deadline)),
    CHECK (NOT late OR late_reason IS NOT NULL),
    UNIQUE (tender_id, lot),
    UNIQUE (award_id)
);

-- A change to a contract (what changed, why, from when), recorded and published.
CREATE TABLE tender_contract_changes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    contract_id uuid NOT NULL REFERENCES tender_contracts (id),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    what text NOT NULL CHECK (length(what) BETWEEN 1 AND 200),
    description text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    effective_on date NOT NULL,
    recorded_by uuid NOT NULL REFERENCES users (id),
    recorded_at timestamptz NOT NULL,
    log_index bigint NOT NULL CHECK (log_index >= 0)
);
CREATE INDEX tender_contract_changes_idx ON tender_contract_changes (tender_id, recorded_at);

-- Performance (履约) of a contract: milestones, acceptance, payments (in fen) and
-- changes, each a dated record; ``amount_fen`` is a payment's and only a payment's.
CREATE TABLE tender_performance (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    contract_id uuid NOT NULL REFERENCES tender_contracts (id),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    kind text NOT NULL CHECK (kind IN ('milestone', 'acceptance', 'payment', 'change')),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description text NOT NULL CHECK (length(description) <= 4000),
    amount_fen bigint CHECK (amount_fen BETWEEN 1 AND 9007199254740991),
    occurred_on date NOT NULL,
    recorded_by uuid NOT NULL REFERENCES users (id),
    recorded_at timestamptz NOT NULL,
    log_index bigint NOT NULL CHECK (log_index >= 0),
    CHECK ((kind = 'payment') = (amount_fen IS NOT NULL))
);
CREATE INDEX tender_performance_idx ON tender_performance (tender_id, occurred_on, recorded_at);

-- The signed contract document itself, uploaded once: its bytes are a blob of the tender
-- blob store (named by their SHA-256, which must be the contract's ``document_sha256``).
CREATE TABLE tender_contract_documents (
    contract_id uuid PRIMARY KEY REFERENCES tender_contracts (id),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size bigint NOT NULL CHECK (size BETWEEN 0 AND 9007199254740991),
    media_type text NOT NULL CHECK (length(media_type) BETWEEN 1 AND 200),
    uploaded_by uuid NOT NULL REFERENCES users (id),
    uploaded_at timestamptz NOT NULL,
    log_index bigint NOT NULL CHECK (log_index >= 0)
);
CREATE INDEX tender_contract_documents_sha_idx ON tender_contract_documents (sha256);

CREATE TRIGGER tender_contract_documents_append_only BEFORE UPDATE OR DELETE
    ON tender_contract_documents FOR EACH ROW EXECUTE FUNCTION tender_contracts_append_only();
CREATE TRIGGER tender_contracts_append_only BEFORE UPDATE OR DELETE
    ON tender_contracts FOR EACH ROW EXECUTE FUNCTION tender_contracts_append_only();
CREATE TRIGGER tender_contract_changes_append_only BEFORE UPDATE OR DELETE
    ON tender_contract_changes FOR EACH ROW EXECUTE FUNCTION tender_contracts_append_only();
CREATE TRIGGER tender_performance_append_only BEFORE UPDATE OR DELETE
    ON tender_performance FOR EACH ROW EXECUTE FUNCTION tender_contracts_append_only();

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON tender_contracts, tender_contract_changes, '
                'tender_performance, tender_contract_documents FROM etender_app';
        EXECUTE 'REVOKE DELETE, TRUNCATE ON tender_suspensions FROM etender_app';
    END IF;
END
$$;
