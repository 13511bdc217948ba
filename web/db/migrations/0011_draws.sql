-- 0011 verifiable draws (DESIGN.md, "Verifiable expert draw — algorithm etender-draw-v1"):
-- the request and its policy snapshot, the pools and exclusions, approvals, entropy,
-- rounds, the drawn members with their signed answers, the drawn venues,
-- notifications with delivery records, and alerts.

CREATE TABLE draws (
    id text COLLATE "C" PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
    tender_id text NOT NULL CHECK (tender_id ~ '^[A-Za-z0-9_-]{1,64}$'),
    lot text NOT NULL CHECK (lot ~ '^[A-Za-z0-9_-]{1,64}$'),
    purpose text NOT NULL CHECK (purpose IN ('evaluation', 'prequalification')),
    project_id text NOT NULL CHECK (project_id ~ '^[A-Za-z0-9_-]{1,64}$'),
    agency_id uuid NOT NULL REFERENCES organisations (id),
    department_id uuid NOT NULL REFERENCES organisations (id),
    tenderer text NOT NULL CHECK (credit_code_valid(tenderer)),
    agency_code text NOT NULL CHECK (credit_code_valid(agency_code)),
    department_code text NOT NULL CHECK (credit_code_valid(department_code)),
    bidders text[] NOT NULL DEFAULT '{}',
    bidder_principals text[] NOT NULL DEFAULT '{}',
    session_start timestamptz NOT NULL,
    session_end timestamptz NOT NULL,
    -- Ordered [[label, count], ...]: expert labels, then venue labels (venue@<rule>).
    categories jsonb NOT NULL CHECK (jsonb_typeof(categories) = 'array'),
    representatives integer NOT NULL DEFAULT 0 CHECK (representatives BETWEEN 0 AND 50),
    entropy_roles text[] NOT NULL CHECK ('supervisor' = ANY (entropy_roles)),
    policy jsonb NOT NULL,
    status text NOT NULL DEFAULT 'requested' CHECK (status IN (
        'requested', 'prepared', 'committed', 'drawing', 'complete', 'cancelled')),
    attempt integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    requested_by uuid NOT NULL REFERENCES users (id),
    requested_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    prepared_at timestamptz,
    -- Secret until the committee is complete; never served to agency or centre staff.
    platform_seed bytea CHECK (length(platform_seed) = 32),
    commit_log_index bigint,
    -- The current transcript as exact JSON text (expert_pool.transcript), seed null.
    transcript text,
    seed_revealed_at timestamptz,
    awarded_at timestamptz,
    cancelled_at timestamptz,
    cancel_reason text CHECK (cancel_reason IS NULL OR length(cancel_reason) BETWEEN 1 AND 500),
    CHECK (session_end > session_start),
    CHECK ((status IN ('requested', 'prepared', 'cancelled')) OR platform_seed IS NOT NULL),
    CHECK ((platform_seed IS NULL) = (transcript IS NULL)),
    CHECK (seed_revealed_at IS NULL OR status = 'complete'),
    CHECK (awarded_at IS NULL OR seed_revealed_at IS NOT NULL),
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
-- A second draw for the same committee is refused while the first is not cancelled.
CREATE UNIQUE INDEX draws_one_per_committee_idx ON draws (tender_id, lot, purpose)
    WHERE status <> 'cancelled';
CREATE INDEX draws_agency_idx ON draws (agency_id, requested_at);
CREATE INDEX draws_department_idx ON draws (department_id, requested_at);

-- The eligible ids per label after exclusions, ascending by bytes (the committed pools).
CREATE TABLE draw_pools (
    draw_id text NOT NULL REFERENCES draws (id),
    label text NOT NULL CHECK (label ~ '^[!-~]{1,200}$'),
    position integer NOT NULL CHECK (position >= 0),
    ids text[] NOT NULL,
    digest text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
    PRIMARY KEY (draw_id, label),
    UNIQUE (draw_id, position)
);

-- Every candidate kept out of the draw, with every reason (recorded per draw).
CREATE TABLE draw_exclusions (
    draw_id text NOT NULL REFERENCES draws (id),
    expert_id text NOT NULL REFERENCES experts (id),
    reasons text[] NOT NULL CHECK (cardinality(reasons) > 0),
    PRIMARY KEY (draw_id, expert_id)
);

-- Supervisor approvals: a pool below the ratio, or a cancel-and-redraw (each used once).
CREATE TABLE draw_approvals (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    draw_id text NOT NULL REFERENCES draws (id),
    kind text NOT NULL CHECK (kind IN ('small_pool', 'redraw')),
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    approved_by uuid NOT NULL REFERENCES users (id),
    approved_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    used_at timestamptz
);
CREATE INDEX draw_approvals_draw_idx ON draw_approvals (draw_id, kind) WHERE used_at IS NULL;

-- Entropy from the contributors' own clients; the server never generates it.
CREATE TABLE draw_entropy (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    draw_id text NOT NULL REFERENCES draws (id),
    round integer NOT NULL CHECK (round >= 0),
    role text NOT NULL CHECK (role IN ('supervisor', 'tenderer', 'agency', 'centre', 'witness')),
    entropy text NOT NULL CHECK (entropy ~ '^([0-9a-f]{2}){16,512}$'),
    contributor uuid NOT NULL REFERENCES users (id),
    contributed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (draw_id, entropy),
    CHECK (round = 0 OR role = 'supervisor')
);
CREATE INDEX draw_entropy_draw_idx ON draw_entropy (draw_id, round, id);

-- One row per drawn round; the salt opens the picks commitment of its log entry.
CREATE TABLE draw_rounds (
    draw_id text NOT NULL REFERENCES draws (id),
    r integer NOT NULL CHECK (r >= 0),
    salt bytea NOT NULL CHECK (length(salt) = 32),
    log_index bigint NOT NULL,
    drawn_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (draw_id, r)
);

-- Drawn experts and their answers; a decline or confirmation keeps the signed statement.
CREATE TABLE draw_members (
    draw_id text NOT NULL REFERENCES draws (id),
    expert_id text NOT NULL REFERENCES experts (id),
    label text NOT NULL,
    r integer NOT NULL CHECK (r >= 0),
    i integer NOT NULL CHECK (i >= 0),
    status text NOT NULL DEFAULT 'notified'
        CHECK (status IN ('notified', 'confirmed', 'declined', 'timed_out')),
    salt bytea NOT NULL CHECK (length(salt) = 32),
    deadline timestamptz NOT NULL,
    responded_at timestamptz,
    statement bytea,
    signature bytea,
    PRIMARY KEY (draw_id, expert_id),
    UNIQUE (draw_id, r, i),
    CHECK ((status IN ('confirmed', 'declined')) = (statement IS NOT NULL AND signature IS NOT NULL)),
    CHECK ((status = 'notified') = (responded_at IS NULL))
);
CREATE INDEX draw_members_pending_idx ON draw_members (deadline) WHERE status = 'notified';

CREATE TABLE draw_venues (
    draw_id text NOT NULL REFERENCES draws (id),
    venue_id text NOT NULL REFERENCES venues (id),
    label text NOT NULL,
    r integer NOT NULL CHECK (r >= 0),
    i integer NOT NULL CHECK (i >= 0),
    PRIMARY KEY (draw_id, venue_id),
    UNIQUE (draw_id, r, i)
);

-- Notifications never name the project (DOMAIN.md); each delivery attempt is recorded.
CREATE TABLE draw_notifications (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    draw_id text NOT NULL,
    expert_id text NOT NULL,
    channel text NOT NULL CHECK (channel ~ '^[a-z][a-z0-9_]{0,31}$'),
    body text NOT NULL CHECK (length(body) BETWEEN 1 AND 1000),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    dispatched_at timestamptz,
    FOREIGN KEY (draw_id, expert_id) REFERENCES draw_members (draw_id, expert_id)
);
CREATE INDEX draw_notifications_pending_idx ON draw_notifications (created_at)
    WHERE dispatched_at IS NULL;
CREATE INDEX draw_notifications_member_idx ON draw_notifications (draw_id, expert_id);

CREATE TABLE notification_deliveries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notification_id uuid NOT NULL REFERENCES draw_notifications (id),
    channel text NOT NULL,
    status text NOT NULL CHECK (status IN ('delivered', 'failed')),
    detail text NOT NULL DEFAULT '' CHECK (length(detail) <= 500),
    at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX notification_deliveries_notification_idx
    ON notification_deliveries (notification_id, id);

-- A timeout keeps the delivery record it relied on (DESIGN.md: timeouts carry it).
ALTER TABLE draw_members
    ADD COLUMN timeout_delivery_id bigint REFERENCES notification_deliveries (id);

CREATE TABLE expert_pool_alerts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    draw_id text REFERENCES draws (id),
    expert_id text REFERENCES experts (id),
    kind text NOT NULL CHECK (kind IN (
        'shortfall', 'replacement_needed', 'expert_reported', 'expert_suspended')),
    for_agency boolean NOT NULL,
    for_supervisors boolean NOT NULL,
    data jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK (for_agency OR for_supervisors)
);
CREATE INDEX expert_pool_alerts_draw_idx ON expert_pool_alerts (draw_id, created_at);
