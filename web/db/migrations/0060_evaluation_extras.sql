-- 0060 around an evaluation session (issue 11, items 3, 8 and 10): the committee's
-- clarification requests to bidders and their signed answers (Reg. 52), the
-- supervisors' own signed notes (监督记录), and the assisting venues' records
-- handover within the policy's working days of the close (DOMAIN.md, "Remote
-- cross-city evaluation"). Each row belongs to an evaluation session, whose id is its
-- live session's id; the session's own tables are the core's (0057).

-- Written questions to a bidder about its bid, and the bidder's one answer, signed.
CREATE TABLE evaluation_clarifications (
    id uuid PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES live_sessions (id),
    -- A bid of the session's list (the session core's, from the lot's opening).
    bid_id uuid NOT NULL,
    -- The bid's bidder (unified social credit code): who may read and answer.
    bidder text NOT NULL CHECK (credit_code_valid(bidder)),
    question text NOT NULL CHECK (length(question) BETWEEN 1 AND 2000),
    question_sha256 text NOT NULL CHECK (question_sha256 ~ '^[0-9a-f]{64}$'),
    asked_seat integer NOT NULL CHECK (asked_seat BETWEEN 1 AND 99),
    asked_at timestamptz NOT NULL,
    asked_log_index bigint NOT NULL,
    answer text CHECK (length(answer) BETWEEN 1 AND 4000),
    -- CMS detached over the canonical answer form (docs/api-evaluation.md).
    answer_signature bytea CHECK (length(answer_signature) BETWEEN 1 AND 65536),
    signer_cert_sha256 text CHECK (signer_cert_sha256 ~ '^[0-9a-f]{64}$'),
    answered_by uuid REFERENCES users (id),
    answered_at timestamptz,
    answered_log_index bigint,
    -- Reg. 52: an answer that would change the substance is refused by the chair and
    -- is then no part of the evaluation (it stays on record).
    refusal text CHECK (length(refusal) BETWEEN 1 AND 1000),
    refused_seat integer CHECK (refused_seat BETWEEN 1 AND 99),
    refused_at timestamptz,
    refused_log_index bigint,
    CHECK ((answer IS NULL) = (answer_signature IS NULL)
       AND (answer IS NULL) = (signer_cert_sha256 IS NULL)
       AND (answer IS NULL) = (answered_by IS NULL)
       AND (answer IS NULL) = (answered_at IS NULL)
       AND (answer IS NULL) = (answered_log_index IS NULL)),
    CHECK ((refusal IS NULL) = (refused_seat IS NULL)
       AND (refusal IS NULL) = (refused_at IS NULL)
       AND (refusal IS NULL) = (refused_log_index IS NULL)),
    CHECK (refusal IS NULL OR answer IS NOT NULL)
);
CREATE INDEX evaluation_clarifications_session_idx
    ON evaluation_clarifications (session_id, asked_at, id);

-- A supervisor's note: the id is the supervisor's client's, inside the signed form, so
-- a replayed note is refused by the primary key.
CREATE TABLE evaluation_notes (
    id uuid PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES live_sessions (id),
    author uuid NOT NULL REFERENCES users (id),
    text text NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    signature bytea NOT NULL CHECK (length(signature) BETWEEN 1 AND 65536),
    signer_cert_sha256 text NOT NULL CHECK (signer_cert_sha256 ~ '^[0-9a-f]{64}$'),
    noted_at timestamptz NOT NULL,
    log_index bigint NOT NULL
);
CREATE INDEX evaluation_notes_session_idx ON evaluation_notes (session_id, noted_at, id);

-- One row per assisting venue of a closed session: opened at the close, completed by
-- the venue staff's handover; ``alerted_at`` once the overdue alert was raised.
CREATE TABLE evaluation_venue_handovers (
    session_id uuid NOT NULL REFERENCES live_sessions (id),
    venue_id text NOT NULL REFERENCES venues (id),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    closed_at timestamptz NOT NULL,
    working_days integer NOT NULL CHECK (working_days BETWEEN 0 AND 60),
    -- The log names the venue only by commit(venue id, salt) (四不知).
    venue_salt bytea NOT NULL CHECK (length(venue_salt) = 32),
    records_sha256 text CHECK (records_sha256 ~ '^[0-9a-f]{64}$'),
    note text CHECK (length(note) BETWEEN 1 AND 1000),
    recorded_by uuid REFERENCES users (id),
    handed_over_at timestamptz,
    log_index bigint,
    alerted_at timestamptz,
    PRIMARY KEY (session_id, venue_id),
    CHECK ((handed_over_at IS NULL) = (records_sha256 IS NULL)
       AND (handed_over_at IS NULL) = (recorded_by IS NULL)
       AND (handed_over_at IS NULL) = (log_index IS NULL)),
    CHECK (note IS NULL OR handed_over_at IS NOT NULL)
);
CREATE INDEX evaluation_venue_handovers_pending_idx ON evaluation_venue_handovers (closed_at)
    WHERE handed_over_at IS NULL AND alerted_at IS NULL;
