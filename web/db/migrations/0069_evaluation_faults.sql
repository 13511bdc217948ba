-- 0069 venue fault reports of an evaluation session (issue 12: the venue staff view).
--
-- Centre staff record a fault at a venue (a PC that fails, the network, the room) while
-- the session is open, paused or not: the host at the main venue, staff assigned to an
-- assisting venue (0066) there (docs/formats/evaluation-session.md §4, report_fault).
-- A report is evidence: written once, never changed or deleted. The log names the
-- venue only by commit(venue id, venue_salt) (四不知) and the text by its SHA-256.

CREATE TABLE evaluation_faults (
    id uuid PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES live_sessions (id),
    venue_id text NOT NULL REFERENCES venues (id),
    venue_salt bytea NOT NULL CHECK (length(venue_salt) = 32),
    text text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 500 AND btrim(text) <> ''),
    text_sha256 text NOT NULL CHECK (text_sha256 ~ '^[0-9a-f]{64}$'),
    reported_by uuid NOT NULL REFERENCES users (id),
    reported_at timestamptz NOT NULL,
    log_index bigint NOT NULL CHECK (log_index >= 0)
);
CREATE INDEX evaluation_faults_session_idx ON evaluation_faults (session_id, reported_at, id);

CREATE FUNCTION evaluation_faults_kept() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'fault reports are never changed or deleted'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'evaluation_faults_kept';
END $$;

CREATE TRIGGER evaluation_faults_kept BEFORE UPDATE OR DELETE ON evaluation_faults
    FOR EACH ROW EXECUTE FUNCTION evaluation_faults_kept();
