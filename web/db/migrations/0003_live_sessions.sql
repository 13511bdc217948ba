-- 0003: live sessions (DESIGN.md, "Live sessions"): the online opening hall and remote
-- evaluation sessions. The database is the only truth: every event has a per-session
-- sequence number, is committed before it is acknowledged, and reaches every node
-- through LISTEN/NOTIFY. Presence (join, leave, idle) is the attendance record.

CREATE TABLE live_sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind text NOT NULL CHECK (kind ~ '^[a-z_]{1,32}$'),
    subject_id text NOT NULL CHECK (length(subject_id) BETWEEN 1 AND 128),
    last_seq bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    closed_at timestamptz,
    UNIQUE (kind, subject_id)
);

CREATE TABLE live_events (
    session_id uuid NOT NULL REFERENCES live_sessions (id),
    seq bigint NOT NULL CHECK (seq >= 1),
    kind text NOT NULL CHECK (kind ~ '^[a-z_.]{1,64}$'),
    data jsonb NOT NULL DEFAULT '{}',
    -- Who may see it: everyone in the session, one role, or one user.
    audience text NOT NULL DEFAULT 'all'
        CHECK (audience = 'all' OR audience ~ '^(role|user):[A-Za-z0-9_-]{1,64}$'),
    actor_id uuid REFERENCES users (id),
    -- The client's own message id: a retry after a lost acknowledgement finds the
    -- event it already caused instead of causing it twice.
    client_msg_id text CHECK (client_msg_id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (session_id, seq),
    CHECK (client_msg_id IS NULL OR actor_id IS NOT NULL)
);
CREATE UNIQUE INDEX live_events_client_msg_idx
    ON live_events (session_id, actor_id, client_msg_id) WHERE client_msg_id IS NOT NULL;

CREATE TABLE live_presence (
    id bigserial PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES live_sessions (id),
    user_id uuid NOT NULL REFERENCES users (id),
    event text NOT NULL CHECK (event IN ('join', 'leave', 'idle', 'active')),
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    address text NOT NULL DEFAULT '',
    node text NOT NULL DEFAULT ''
);
CREATE INDEX live_presence_session_idx ON live_presence (session_id, user_id, at);
