-- 0066 venue staff: which centre staff users work at which venue (issue 11, item 2;
-- DOMAIN.md "Remote cross-city evaluation").
--
-- A member's sign-in counts once venue staff confirm its identity (confirm_identity,
-- docs/formats/evaluation-session.md §4). At an assisting venue (副场) only staff
-- assigned to that venue may confirm; the host confirms at the main venue. Centre
-- staff of the venue's region (their organisation's region is the venue's region or
-- its city) assign and unassign (docs/api-expert-pool.md, "Venue staff").
--
-- An assignment is never deleted: unassigning closes it (unassigned_at, _by), so who
-- could confirm at a venue on a given day stays answerable. One open assignment per
-- (venue, user).

CREATE TABLE venue_staff (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    venue_id text NOT NULL REFERENCES venues (id),
    user_id uuid NOT NULL REFERENCES users (id),
    assigned_by uuid NOT NULL REFERENCES users (id),
    assigned_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    unassigned_by uuid REFERENCES users (id),
    unassigned_at timestamptz,
    CHECK ((unassigned_by IS NULL) = (unassigned_at IS NULL)),
    CHECK (unassigned_at IS NULL OR unassigned_at >= assigned_at)
);

CREATE UNIQUE INDEX venue_staff_open ON venue_staff (venue_id, user_id)
    WHERE unassigned_at IS NULL;
CREATE INDEX venue_staff_user ON venue_staff (user_id) WHERE unassigned_at IS NULL;
