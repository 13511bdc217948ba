-- 0063 the committee's qualification result, fixed when it is announced (issue 11,
-- items 4-6; DOMAIN.md "Evaluation", Reg. 51; docs/formats/evaluation-sheet.md §5).
--
-- The result is a finding of the committee: when the qualification reveal completes it
-- is announced (event `qualification.result`, log entry
-- `evaluation.qualification_result`) and stored here in the same transaction. Every
-- later reader — the bids the scoring or adjustment sheets cover, the report's ranking
-- and `qualification.result`, the bids whose commercial parts open — reads this row and
-- never recomputes it from the sheets: a member voided after the announcement (absent,
-- replaced) leaves it standing, so the announced result and the report cannot part.
--
-- `result` is exactly the event's data, {"phase": "qualification", "bids": [...]};
-- `sha256` is the lowercase hex SHA-256 of its RFC 8785 canonical bytes
-- (signing.canonical.canonical_json), `log_index` the announcing entry's index. The
-- session is the live session (as in 0058, 0059).
--
-- Nothing here is ever changed or deleted (EBM 49: no one may alter records).

CREATE TABLE evaluation_qualification_results (
    session_id uuid PRIMARY KEY REFERENCES live_sessions (id),
    result jsonb NOT NULL CHECK (
        jsonb_typeof(result) = 'object'
        AND result ->> 'phase' = 'qualification'
        AND jsonb_typeof(result -> 'bids') = 'array'
    ),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    announced_at timestamptz NOT NULL,
    log_index bigint NOT NULL UNIQUE REFERENCES log_entries (idx)
);

CREATE FUNCTION evaluation_qualification_result_fixed() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'an announced qualification result is never changed or deleted'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'evaluation_qualification_result_fixed';
END $$;
CREATE TRIGGER evaluation_qualification_results_fixed BEFORE UPDATE OR DELETE
    ON evaluation_qualification_results
    FOR EACH ROW EXECUTE FUNCTION evaluation_qualification_result_fixed();

-- 0001's default privileges give the application role UPDATE and DELETE on new tables;
-- it only ever inserts here (as for 0058's findings and 0059's records).
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON evaluation_qualification_results '
                'FROM etender_app';
    END IF;
END
$$;
