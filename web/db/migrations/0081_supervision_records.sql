-- 0081 supervision records (监督记录, issue 14 item 3; DOMAIN.md "Monitoring and
-- supervision"): what a supervisor of the tender's department saw and did, attached to
-- the tender, a lot's opening or an evaluation session. Each is its own record, signed
-- by the supervisor (statement etender-supervision-record-v1, docs/api-supervision-
-- records.md), stored with the exact signed bytes and never changed or deleted: it is
-- never inside what others sign (not the opening record, not the evaluation report).

CREATE TABLE supervision_records (
    -- The id the supervisor's client picked and signed (replay-safe: a record counts once).
    id uuid PRIMARY KEY,
    tender_id uuid NOT NULL REFERENCES tenders (id),
    attached text NOT NULL CHECK (attached IN ('tender', 'opening', 'evaluation')),
    lot text CHECK (lot ~ '^[1-9][0-9]?$'),
    session_id uuid REFERENCES evaluation_sessions (id),
    -- The supervising department the supervisor acted for (the tender's).
    department_id uuid NOT NULL REFERENCES organisations (id),
    author uuid NOT NULL REFERENCES users (id),
    text text NOT NULL CHECK (length(btrim(text)) BETWEEN 1 AND 20000),
    statement bytea NOT NULL CHECK (length(statement) BETWEEN 1 AND 200000),
    sha256 text NOT NULL CHECK (sha256 = encode(sha256(statement), 'hex')),
    signature bytea NOT NULL CHECK (length(signature) BETWEEN 1 AND 65536),
    signer_cert_sha256 text NOT NULL CHECK (signer_cert_sha256 ~ '^[0-9a-f]{64}$'),
    recorded_at timestamptz NOT NULL,
    log_index bigint NOT NULL UNIQUE REFERENCES log_entries (idx),
    -- What it is attached to names exactly what it needs: a tender alone, a lot's
    -- opening, or an evaluation session (of that lot).
    CONSTRAINT supervision_records_attachment CHECK (
        (attached = 'tender' AND lot IS NULL AND session_id IS NULL)
        OR (attached = 'opening' AND lot IS NOT NULL AND session_id IS NULL)
        OR (attached = 'evaluation' AND lot IS NOT NULL AND session_id IS NOT NULL)
    )
);
CREATE INDEX supervision_records_tender_idx ON supervision_records (tender_id, recorded_at, id);
CREATE INDEX supervision_records_session_idx ON supervision_records (session_id)
    WHERE session_id IS NOT NULL;

CREATE FUNCTION supervision_records_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'supervision records are never changed or deleted'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'supervision_records_append_only';
END $$;

CREATE TRIGGER supervision_records_append_only BEFORE UPDATE OR DELETE
    ON supervision_records FOR EACH ROW EXECUTE FUNCTION supervision_records_append_only();

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON supervision_records FROM etender_app';
    END IF;
END
$$;
