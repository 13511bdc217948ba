-- 0057 evaluation sessions (issue 11; DESIGN.md "Live sessions", "Lifecycles"; DOMAIN.md
-- "Evaluation", "Remote cross-city evaluation"): one live session per (tender, lot,
-- attempt), its members seat by seat (a replacement is the seat's next generation), the
-- members' conflict declarations, chair votes, "time is too short" votes and the
-- replacements a supervisor approves. docs/formats/evaluation-session.md.
--
-- These rows are the session's record (EBM 49: no one may destroy records): the
-- application role may insert and update them, never delete or truncate them.

CREATE TABLE evaluation_sessions (
    -- The live session's id (live_sessions kind 'evaluation'): one id for the socket,
    -- the events and this row.
    id uuid PRIMARY KEY REFERENCES live_sessions (id),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    lot text NOT NULL CHECK (lot ~ '^[1-9][0-9]?$'),
    -- A sealed session's lot gets a new committee and the next attempt (DOMAIN.md).
    attempt integer NOT NULL CHECK (attempt BETWEEN 1 AND 99),
    draw_id text NOT NULL REFERENCES draws (id),
    department_id uuid NOT NULL REFERENCES organisations (id),
    main_venue_id text NOT NULL REFERENCES venues (id),
    starts_at timestamptz NOT NULL,
    -- The EvaluationPolicy in force when the session was scheduled (DESIGN.md, "Time":
    -- policies are snapshotted, and tests shorten periods through them).
    policy jsonb NOT NULL CHECK (jsonb_typeof(policy) = 'object'),
    phase text NOT NULL DEFAULT 'scheduled' CHECK (phase IN (
        'scheduled', 'sign_in', 'conflicts', 'chair_election', 'qualification',
        'qualification_reveal', 'scoring', 'scoring_reveal', 'commercial_opening',
        'adjustment', 'adjustment_reveal', 'ranking', 'signing', 'closed', 'sealed')),
    phase_deadline timestamptz,
    paused_at timestamptz,
    pause_reason text CHECK (length(pause_reason) BETWEEN 1 AND 500),
    started_at timestamptz,
    chair_seat integer CHECK (chair_seat BETWEEN 1 AND 99),
    scheduled_by uuid NOT NULL REFERENCES users (id),
    scheduled_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    sealed_at timestamptz,
    closed_at timestamptz,
    UNIQUE (tender_id, lot, attempt),
    FOREIGN KEY (tender_id, lot) REFERENCES tender_lots (tender_id, number),
    CHECK ((paused_at IS NULL) = (pause_reason IS NULL)),
    CHECK ((phase = 'sealed') = (sealed_at IS NOT NULL)),
    CHECK ((phase = 'closed') = (closed_at IS NOT NULL)),
    CHECK (phase NOT IN ('scheduled', 'sign_in') OR started_at IS NULL),
    CHECK (phase IN ('scheduled', 'sign_in', 'sealed') OR started_at IS NOT NULL)
);
-- One committee at a time per lot: a new attempt only once the last one is sealed.
CREATE UNIQUE INDEX evaluation_sessions_one_running_idx ON evaluation_sessions (tender_id, lot)
    WHERE phase <> 'sealed';

-- The bids the committee evaluates: the opened entries of the lot's published opening
-- record (main, or technical for two envelopes), in record order, as the session was
-- scheduled (a published record never changes). The price is the record's when the
-- part holding it was opened (single envelope); a two-envelope lot's prices come from
-- its commercial record once published (read when the session is loaded).
CREATE TABLE evaluation_bids (
    session_id uuid NOT NULL REFERENCES evaluation_sessions (id),
    position integer NOT NULL CHECK (position BETWEEN 1 AND 10000),
    bid_id uuid NOT NULL REFERENCES bids (id),
    bidder text NOT NULL CHECK (credit_code_valid(bidder)),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    price_fen bigint CHECK (price_fen BETWEEN 0 AND 9007199254740991),
    PRIMARY KEY (session_id, bid_id),
    UNIQUE (session_id, position)
);

-- Every holder of every seat. Seats 1..k are the draw's experts in draw order, k+1..n
-- the tenderer's representatives (Law 37); a replacement holds the same seat as the
-- next generation, and the holder it replaces keeps its row (its findings are void).
CREATE TABLE evaluation_members (
    session_id uuid NOT NULL REFERENCES evaluation_sessions (id),
    seat integer NOT NULL CHECK (seat BETWEEN 1 AND 99),
    generation integer NOT NULL CHECK (generation BETWEEN 1 AND 99),
    user_id uuid NOT NULL REFERENCES users (id),
    kind text NOT NULL CHECK (kind IN ('expert', 'representative')),
    status text NOT NULL DEFAULT 'seated'
        CHECK (status IN ('seated', 'recused', 'absent', 'replaced')),
    -- The salt of the commitment that names the member in the log until the result
    -- (expert_pool.journal.hidden_actor): an expert's is its draw seat's salt, so the
    -- draw's reveal opens it; a representative's is drawn here.
    salt bytea NOT NULL CHECK (length(salt) = 32),
    venue_id text REFERENCES venues (id),
    signed_in_at timestamptz,
    identity_confirmed_by uuid REFERENCES users (id),
    identity_confirmed_at timestamptz,
    left_at timestamptz,
    left_reason text CHECK (length(left_reason) BETWEEN 1 AND 500),
    PRIMARY KEY (session_id, seat, generation),
    CHECK ((venue_id IS NULL) = (signed_in_at IS NULL)),
    CHECK ((identity_confirmed_by IS NULL) = (identity_confirmed_at IS NULL)),
    CHECK (identity_confirmed_at IS NULL OR signed_in_at IS NOT NULL),
    CHECK ((status = 'seated') = (left_at IS NULL)),
    CHECK ((left_at IS NULL) = (left_reason IS NULL))
);
-- At most one seated holder per seat; a person holds at most one seat of a session,
-- once (a member who left never comes back as another seat's replacement).
CREATE UNIQUE INDEX evaluation_members_one_holder_idx ON evaluation_members (session_id, seat)
    WHERE status = 'seated';
CREATE UNIQUE INDEX evaluation_members_once_idx ON evaluation_members (session_id, user_id);
CREATE INDEX evaluation_members_user_idx ON evaluation_members (user_id);

-- Conflict declarations (回避), once per holder, after seeing the bidder list.
CREATE TABLE evaluation_declarations (
    session_id uuid NOT NULL,
    seat integer NOT NULL,
    generation integer NOT NULL,
    conflict boolean NOT NULL,
    explanation text CHECK (length(explanation) BETWEEN 1 AND 2000),
    declared_at timestamptz NOT NULL,
    PRIMARY KEY (session_id, seat, generation),
    FOREIGN KEY (session_id, seat, generation)
        REFERENCES evaluation_members (session_id, seat, generation),
    CHECK (NOT conflict OR explanation IS NOT NULL)
);

-- Chair election: one vote per holder per round; a round without a strict majority is
-- followed by the next one. A replacement votes in its own right (its generation).
CREATE TABLE evaluation_chair_votes (
    session_id uuid NOT NULL,
    round integer NOT NULL CHECK (round >= 1),
    seat integer NOT NULL,
    generation integer NOT NULL,
    candidate_seat integer NOT NULL CHECK (candidate_seat BETWEEN 1 AND 99),
    cast_at timestamptz NOT NULL,
    PRIMARY KEY (session_id, round, seat, generation),
    FOREIGN KEY (session_id, seat, generation)
        REFERENCES evaluation_members (session_id, seat, generation)
);

-- Reg. 48: "the time is too short", one vote per holder per phase deadline.
CREATE TABLE evaluation_time_votes (
    session_id uuid NOT NULL,
    deadline timestamptz NOT NULL,
    seat integer NOT NULL,
    generation integer NOT NULL,
    cast_at timestamptz NOT NULL,
    PRIMARY KEY (session_id, deadline, seat, generation),
    FOREIGN KEY (session_id, seat, generation)
        REFERENCES evaluation_members (session_id, seat, generation),
    CHECK (cast_at < deadline)
);

-- A seat's holder leaving (conflict, absence, the host's request) and the replacement:
-- requested, approved by a supervisor, then the replacement seated as generation + 1.
CREATE TABLE evaluation_replacements (
    session_id uuid NOT NULL,
    seat integer NOT NULL,
    generation integer NOT NULL,  -- the leaving holder's
    cause text NOT NULL CHECK (cause IN ('conflict', 'absent', 'host')),
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    requested_by uuid NOT NULL REFERENCES users (id),
    requested_at timestamptz NOT NULL,
    approved_by uuid REFERENCES users (id),
    approved_at timestamptz,
    seated_at timestamptz,
    PRIMARY KEY (session_id, seat, generation),
    FOREIGN KEY (session_id, seat, generation)
        REFERENCES evaluation_members (session_id, seat, generation),
    CHECK ((approved_by IS NULL) = (approved_at IS NULL)),
    CHECK (seated_at IS NULL OR approved_at IS NOT NULL)
);
-- One open replacement per seat.
CREATE UNIQUE INDEX evaluation_replacements_open_idx ON evaluation_replacements (session_id, seat)
    WHERE seated_at IS NULL;

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'REVOKE DELETE, TRUNCATE ON evaluation_sessions, evaluation_bids, '
                'evaluation_members, '
                'evaluation_declarations, evaluation_chair_votes, evaluation_time_votes, '
                'evaluation_replacements FROM etender_app';
    END IF;
END
$$;
