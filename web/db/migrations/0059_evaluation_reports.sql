-- 0059 the evaluation report (issue 11, items 5 and 7; DOMAIN.md "Evaluation", Reg. 51-53):
-- the ranking the chair announces, each version of the report (the canonical JSON every
-- member signs), the sealed name list behind each version's seat commitments, the
-- members' signatures and refusals, their dissents, and the result handed to the
-- tender. docs/formats/evaluation-report.md has the bytes. The session is the live
-- session (evaluation sessions' id is the live session id), so these tables reference
-- live_sessions and not the session core's own table.
--
-- Nothing here is ever changed or deleted (EBM 49: no one may alter records), except the
-- ``current`` flag of a report version, which a newer version clears.

CREATE FUNCTION evaluation_report_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'check_violation', CONSTRAINT = 'evaluation_report_append_only';
END $$;

-- The ranking the chair announced (canonical JSON of the outcome: price scores, totals,
-- ranking, candidates). Announced once: the sheets cannot change in the ranking phase.
CREATE TABLE evaluation_rankings (
    session_id uuid PRIMARY KEY REFERENCES live_sessions (id),
    body bytea NOT NULL,
    sha256 text NOT NULL CHECK (sha256 = encode(sha256(body), 'hex')),
    ranked_at timestamptz NOT NULL
);

-- Each version of the report: a dissent (or the chair's redraft) makes a new one, and
-- signatures of an earlier version no longer count. Exactly one version is current.
CREATE TABLE evaluation_reports (
    session_id uuid NOT NULL REFERENCES live_sessions (id),
    version integer NOT NULL CHECK (version BETWEEN 1 AND 1000),
    body bytea NOT NULL CHECK (length(body) <= 16777216),
    sha256 text NOT NULL CHECK (sha256 = encode(sha256(body), 'hex')),
    drafted_at timestamptz NOT NULL,
    current boolean NOT NULL DEFAULT true,
    PRIMARY KEY (session_id, version)
);
CREATE UNIQUE INDEX evaluation_reports_one_current ON evaluation_reports (session_id)
    WHERE current;

-- Only ``current`` may change, and only from true to false (a newer version replaced it).
CREATE FUNCTION evaluation_reports_only_retire() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.current AND NOT NEW.current
       AND (NEW.session_id, NEW.version, NEW.body, NEW.sha256, NEW.drafted_at)
           IS NOT DISTINCT FROM (OLD.session_id, OLD.version, OLD.body, OLD.sha256,
                                 OLD.drafted_at) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'a report version is never changed or deleted (only retired)'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'evaluation_report_append_only';
END $$;
CREATE TRIGGER evaluation_reports_append_only BEFORE UPDATE OR DELETE ON evaluation_reports
    FOR EACH ROW EXECUTE FUNCTION evaluation_reports_only_retire();

-- The sealed name list (两随机、四不知): who held each seat when the version was drafted,
-- the certificate the report commits to and the salt of that commitment. Served to
-- centre staff and supervisors only until the award.
CREATE TABLE evaluation_report_members (
    session_id uuid NOT NULL,
    version integer NOT NULL,
    seat smallint NOT NULL CHECK (seat BETWEEN 1 AND 99),
    generation smallint NOT NULL CHECK (generation >= 1),
    user_id uuid NOT NULL REFERENCES users (id),
    cert_sha256 text NOT NULL CHECK (cert_sha256 ~ '^[0-9a-f]{64}$'),
    salt bytea NOT NULL CHECK (length(salt) = 32),
    PRIMARY KEY (session_id, version, seat),
    UNIQUE (session_id, version, user_id),
    FOREIGN KEY (session_id, version) REFERENCES evaluation_reports (session_id, version)
);

-- A member's CMS detached signature over the exact bytes of one version.
CREATE TABLE evaluation_report_signatures (
    session_id uuid NOT NULL,
    version integer NOT NULL,
    seat smallint NOT NULL,
    generation smallint NOT NULL CHECK (generation >= 1),
    signature bytea NOT NULL CHECK (length(signature) BETWEEN 1 AND 65536),
    signed_at timestamptz NOT NULL,
    PRIMARY KEY (session_id, version, seat),
    FOREIGN KEY (session_id, version, seat)
        REFERENCES evaluation_report_members (session_id, version, seat)
);

-- Reg. 53: a member who refuses to sign without a written reason is counted as agreeing.
CREATE TABLE evaluation_report_refusals (
    session_id uuid NOT NULL,
    version integer NOT NULL,
    seat smallint NOT NULL,
    generation smallint NOT NULL CHECK (generation >= 1),
    reason text CHECK (length(reason) BETWEEN 1 AND 4000),
    counted_as_agreement boolean NOT NULL,
    refused_at timestamptz NOT NULL,
    CHECK (counted_as_agreement = (reason IS NULL)),
    PRIMARY KEY (session_id, version, seat),
    FOREIGN KEY (session_id, version, seat)
        REFERENCES evaluation_report_members (session_id, version, seat)
);

-- A member signs or refuses a version, not both (the session's row lock orders the
-- commands; the database refuses the second answer even if Python had a bug).
CREATE FUNCTION evaluation_report_one_answer() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM evaluation_report_signatures s
               WHERE (s.session_id, s.version, s.seat) = (NEW.session_id, NEW.version, NEW.seat))
       OR EXISTS (SELECT FROM evaluation_report_refusals r
               WHERE (r.session_id, r.version, r.seat) = (NEW.session_id, NEW.version, NEW.seat))
    THEN
        RAISE EXCEPTION 'seat % already answered version % of the report', NEW.seat, NEW.version
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'evaluation_report_one_answer';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER evaluation_report_signatures_one_answer BEFORE INSERT
    ON evaluation_report_signatures FOR EACH ROW EXECUTE FUNCTION evaluation_report_one_answer();
CREATE TRIGGER evaluation_report_refusals_one_answer BEFORE INSERT
    ON evaluation_report_refusals FOR EACH ROW EXECUTE FUNCTION evaluation_report_one_answer();

-- Dissent in the member's own words (Reg. 53), written into the version it caused.
CREATE TABLE evaluation_dissents (
    session_id uuid NOT NULL REFERENCES live_sessions (id),
    seat smallint NOT NULL CHECK (seat BETWEEN 1 AND 99),
    generation smallint NOT NULL CHECK (generation >= 1),
    text text NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
    at timestamptz NOT NULL,
    PRIMARY KEY (session_id, seat, at)
);

-- The closed session's result handed to the tender: the signed report's version and
-- hash, and the candidates (bid ids, best first, at most 3). One per lot.
CREATE TABLE evaluation_results (
    session_id uuid PRIMARY KEY REFERENCES live_sessions (id),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    lot text NOT NULL CHECK (lot ~ '^[1-9][0-9]?$'),
    version integer NOT NULL,
    report_sha256 text NOT NULL CHECK (report_sha256 ~ '^[0-9a-f]{64}$'),
    candidates jsonb NOT NULL
        CHECK (jsonb_typeof(candidates) = 'array' AND jsonb_array_length(candidates) <= 3),
    closed_at timestamptz NOT NULL,
    UNIQUE (tender_id, lot),
    FOREIGN KEY (session_id, version) REFERENCES evaluation_reports (session_id, version)
);

CREATE TRIGGER evaluation_rankings_append_only BEFORE UPDATE OR DELETE ON evaluation_rankings
    FOR EACH ROW EXECUTE FUNCTION evaluation_report_append_only();
CREATE TRIGGER evaluation_report_members_append_only BEFORE UPDATE OR DELETE
    ON evaluation_report_members FOR EACH ROW EXECUTE FUNCTION evaluation_report_append_only();
CREATE TRIGGER evaluation_report_signatures_append_only BEFORE UPDATE OR DELETE
    ON evaluation_report_signatures FOR EACH ROW EXECUTE FUNCTION evaluation_report_append_only();
CREATE TRIGGER evaluation_report_refusals_append_only BEFORE UPDATE OR DELETE
    ON evaluation_report_refusals FOR EACH ROW EXECUTE FUNCTION evaluation_report_append_only();
CREATE TRIGGER evaluation_dissents_append_only BEFORE UPDATE OR DELETE ON evaluation_dissents
    FOR EACH ROW EXECUTE FUNCTION evaluation_report_append_only();
CREATE TRIGGER evaluation_results_append_only BEFORE UPDATE OR DELETE ON evaluation_results
    FOR EACH ROW EXECUTE FUNCTION evaluation_report_append_only();

-- 0001's default privileges give the application role SELECT, INSERT, UPDATE, DELETE on
-- new tables; it needs UPDATE only to retire a report version, and DELETE nowhere.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON evaluation_rankings, '
                'evaluation_report_members, evaluation_report_signatures, '
                'evaluation_report_refusals, evaluation_dissents, evaluation_results '
                'FROM etender_app';
        EXECUTE 'REVOKE DELETE, TRUNCATE ON evaluation_reports FROM etender_app';
        EXECUTE 'REVOKE UPDATE ON evaluation_reports FROM etender_app';
        EXECUTE 'GRANT UPDATE (current) ON evaluation_reports TO etender_app';
    END IF;
END
$$;
