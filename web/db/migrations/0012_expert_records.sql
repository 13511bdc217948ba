-- 0012 attendance and assessment (DOMAIN.md, "Attendance and assessment"): attendance
-- events of drawn members, incidents that cost points, assessments per session, and
-- the yearly record of each expert.

CREATE TABLE attendance_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    draw_id text NOT NULL,
    expert_id text NOT NULL,
    event text NOT NULL CHECK (event IN (
        'signed_in', 'left', 'late', 'absent', 'left_early', 'unable_to_operate')),
    occurred_at timestamptz NOT NULL,
    recorded_by uuid NOT NULL REFERENCES users (id),
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    FOREIGN KEY (draw_id, expert_id) REFERENCES draw_members (draw_id, expert_id)
);
CREATE INDEX attendance_events_member_idx ON attendance_events (draw_id, expert_id, id);
-- An expert signs in to a session once.
CREATE UNIQUE INDEX attendance_events_one_sign_in_idx ON attendance_events (draw_id, expert_id)
    WHERE event = 'signed_in';

-- Points are copied from the deduction table in force (policy data) when recorded.
CREATE TABLE expert_incidents (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    expert_id text NOT NULL REFERENCES experts (id),
    draw_id text REFERENCES draws (id),
    offence text NOT NULL CHECK (offence IN (
        'late', 'unable_to_operate', 'absent', 'left_early', 'hid_conflict')),
    points integer NOT NULL CHECK (points >= 0),
    occurred_at timestamptz NOT NULL,
    year integer NOT NULL CHECK (year BETWEEN 2000 AND 2200),
    source text NOT NULL CHECK (source IN ('attendance', 'assessment')),
    recorded_by uuid NOT NULL REFERENCES users (id),
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX expert_incidents_expert_idx ON expert_incidents (expert_id, year);
-- One incident of a kind per expert and session.
CREATE UNIQUE INDEX expert_incidents_once_idx ON expert_incidents (expert_id, draw_id, offence)
    WHERE draw_id IS NOT NULL;

CREATE TABLE assessments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    draw_id text NOT NULL,
    expert_id text NOT NULL,
    assessor uuid NOT NULL REFERENCES users (id),
    assessor_role text NOT NULL CHECK (assessor_role IN ('agency', 'supervisor')),
    score integer NOT NULL CHECK (score BETWEEN 0 AND 100),
    comment text NOT NULL DEFAULT '' CHECK (length(comment) <= 1000),
    offences text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    FOREIGN KEY (draw_id, expert_id) REFERENCES draw_members (draw_id, expert_id),
    UNIQUE (draw_id, expert_id, assessor)
);

-- The yearly record (calendar year in Asia/Shanghai), kept current on every change.
CREATE TABLE expert_year_records (
    expert_id text NOT NULL REFERENCES experts (id),
    year integer NOT NULL CHECK (year BETWEEN 2000 AND 2200),
    points integer NOT NULL DEFAULT 0 CHECK (points >= 0),
    counts jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(counts) = 'object'),
    accepted integer NOT NULL DEFAULT 0 CHECK (accepted >= 0),
    attended integer NOT NULL DEFAULT 0 CHECK (attended >= 0),
    sanctions text[] NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (expert_id, year)
);
