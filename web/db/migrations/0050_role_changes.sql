-- 0050: 三员分立 for administrator roles (issue 9, item 16). Granting or removing
-- system_admin, security_admin or audit_admin over the API is proposed by the security
-- administrator and applied only when an administrator of another kind approves; the
-- proposal and the decision are log entries (accounts/role_changes.py).

CREATE TABLE role_changes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    change text NOT NULL CHECK (change IN ('grant', 'revoke')),
    user_id uuid NOT NULL REFERENCES users (id),
    role text NOT NULL CHECK (role IN ('system_admin', 'security_admin', 'audit_admin')),
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    proposed_by uuid NOT NULL REFERENCES users (id),
    proposed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    decided_by uuid REFERENCES users (id),
    decided_at timestamptz,
    -- Nobody proposes a change of their own roles, nor approves one they proposed or
    -- that concerns them (a proposer may only withdraw its own: status 'rejected').
    CHECK (proposed_by <> user_id),
    CHECK (decided_by IS NULL OR decided_by <> user_id),
    CHECK (status <> 'approved' OR decided_by <> proposed_by),
    CHECK ((status = 'pending') = (decided_by IS NULL)),
    CHECK ((decided_by IS NULL) = (decided_at IS NULL)),
    CHECK (decided_at IS NULL OR decided_at >= proposed_at)
);
-- One open proposal per user, role and direction.
CREATE UNIQUE INDEX role_changes_pending_idx ON role_changes (user_id, role, change)
    WHERE status = 'pending';
CREATE INDEX role_changes_listing_idx ON role_changes (status, proposed_at, id);

-- An administrator role granted by a user (not the console, granted_by NULL) names the
-- approved change that granted it. NOT VALID: grants made before 0050 stay as they are.
ALTER TABLE role_grants ADD COLUMN role_change_id uuid REFERENCES role_changes (id);
ALTER TABLE role_grants ADD CONSTRAINT role_grants_admin_approved CHECK (
    role NOT IN ('system_admin', 'security_admin', 'audit_admin')
    OR granted_by IS NULL
    OR role_change_id IS NOT NULL
) NOT VALID;
