-- Every alert of the platform, owned by supervision (issue 14, DOMAIN.md "Monitoring and
-- supervision"): the tender alerts (0022 ``tender_alerts``) and the expert pool's
-- (0011 ``expert_pool_alerts``) move here, with a lifecycle of their own.
--
-- ``subject`` makes a repeated detection idempotent within (rule, tender, draw).
-- ``department_id`` names who acts on it: that department's supervisors; NULL means
-- the centre (its staff). ``agency_id``, when set, names an agency that may read it too
-- (a draw's shortfall). ``parties``: organisation ids the alert is about (credit and
-- agency views). The state only goes forward, once per step, and the evidence is never
-- rewritten (trigger below, like 0074 tender_suspensions_end_once).
CREATE TABLE supervision_alerts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    rule text NOT NULL CHECK (rule ~ '^[a-z_]{1,64}$'),
    subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    tender_id uuid REFERENCES tenders (id),
    draw_id text REFERENCES draws (id),
    department_id uuid REFERENCES organisations (id),
    agency_id uuid REFERENCES organisations (id),
    parties jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(parties) = 'array'),
    evidence jsonb NOT NULL CHECK (jsonb_typeof(evidence) = 'object'),
    raised_at timestamptz NOT NULL,
    state text NOT NULL DEFAULT 'open'
        CHECK (state IN ('open', 'acknowledged', 'resolved', 'escalated')),
    acknowledged_by uuid REFERENCES users (id),
    acknowledged_at timestamptz,
    acknowledge_note text CHECK (length(acknowledge_note) <= 2000),
    escalated_by uuid REFERENCES users (id),
    escalated_at timestamptz,
    escalation_note text CHECK (length(escalation_note) BETWEEN 1 AND 2000),
    resolved_by uuid REFERENCES users (id),
    resolved_at timestamptz,
    resolution text CHECK (length(resolution) BETWEEN 1 AND 2000),
    CHECK ((acknowledged_by IS NULL) = (acknowledged_at IS NULL)),
    CHECK (acknowledged_at IS NOT NULL OR acknowledge_note IS NULL),
    CHECK ((escalated_by IS NULL) = (escalated_at IS NULL)),
    CHECK ((escalated_at IS NULL) = (escalation_note IS NULL)),
    CHECK ((resolved_by IS NULL) = (resolved_at IS NULL)),
    CHECK ((resolved_at IS NULL) = (resolution IS NULL)),
    CHECK (state <> 'open' OR (acknowledged_at IS NULL AND escalated_at IS NULL
                               AND resolved_at IS NULL)),
    CHECK (state <> 'acknowledged' OR (acknowledged_at IS NOT NULL AND escalated_at IS NULL
                                       AND resolved_at IS NULL)),
    CHECK (state <> 'escalated' OR (escalated_at IS NOT NULL AND resolved_at IS NULL)),
    CHECK (state <> 'resolved' OR resolved_at IS NOT NULL),
    UNIQUE NULLS NOT DISTINCT (rule, tender_id, draw_id, subject)
);
CREATE INDEX supervision_alerts_tender_idx ON supervision_alerts (tender_id, raised_at)
    WHERE tender_id IS NOT NULL;
CREATE INDEX supervision_alerts_department_idx ON supervision_alerts (department_id, raised_at);
CREATE INDEX supervision_alerts_state_idx ON supervision_alerts (state, raised_at);

-- open → acknowledged → escalated → resolved, any step may be skipped, none undone;
-- nothing but the state and the columns of the step taken ever changes.
CREATE FUNCTION supervision_alerts_forward_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    rank_old int := array_position(ARRAY['open', 'acknowledged', 'escalated', 'resolved'],
                                   OLD.state);
    rank_new int := array_position(ARRAY['open', 'acknowledged', 'escalated', 'resolved'],
                                   NEW.state);
BEGIN
    IF TG_OP = 'DELETE' OR rank_new <= rank_old
        OR (NEW.id, NEW.rule, NEW.subject, NEW.tender_id, NEW.draw_id, NEW.department_id,
            NEW.agency_id, NEW.parties, NEW.evidence, NEW.raised_at) IS DISTINCT FROM
           (OLD.id, OLD.rule, OLD.subject, OLD.tender_id, OLD.draw_id, OLD.department_id,
            OLD.agency_id, OLD.parties, OLD.evidence, OLD.raised_at)
        OR (OLD.acknowledged_at IS NOT NULL AND
            (NEW.acknowledged_by, NEW.acknowledged_at, NEW.acknowledge_note) IS DISTINCT FROM
            (OLD.acknowledged_by, OLD.acknowledged_at, OLD.acknowledge_note))
        OR (OLD.escalated_at IS NOT NULL AND
            (NEW.escalated_by, NEW.escalated_at, NEW.escalation_note) IS DISTINCT FROM
            (OLD.escalated_by, OLD.escalated_at, OLD.escalation_note)) THEN
        RAISE EXCEPTION 'an alert only moves forward, and its evidence is never rewritten'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'supervision_alerts_forward_only';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER supervision_alerts_forward_only BEFORE UPDATE OR DELETE ON supervision_alerts
    FOR EACH ROW EXECUTE FUNCTION supervision_alerts_forward_only();

-- The existing alerts, open as they were.
INSERT INTO supervision_alerts
    (id, rule, subject, tender_id, department_id, evidence, raised_at)
SELECT a.id, a.kind, a.subject, a.tender_id, t.department_id, a.data, a.raised_at
FROM tender_alerts a JOIN tenders t ON t.id = a.tender_id;

-- The pool's alerts had no subject (each was raised once by its step): their id is one.
-- An expert's id moves into the evidence (an agency never reads it: the service strips it).
INSERT INTO supervision_alerts
    (id, rule, subject, draw_id, department_id, agency_id, evidence, raised_at)
SELECT a.id, a.kind, a.id::text, a.draw_id, d.department_id,
       CASE WHEN a.for_agency THEN d.agency_id END,
       a.data || CASE WHEN a.expert_id IS NULL THEN '{}'::jsonb
                      ELSE jsonb_build_object('expert_id', a.expert_id) END,
       a.created_at
FROM expert_pool_alerts a LEFT JOIN draws d ON d.id = a.draw_id;

DROP TABLE tender_alerts;
DROP TABLE expert_pool_alerts;

-- The application moves alerts forward; it never deletes one.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'REVOKE DELETE, TRUNCATE ON supervision_alerts FROM etender_app';
    END IF;
END
$$;
