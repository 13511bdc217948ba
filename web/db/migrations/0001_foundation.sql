-- 0001 foundation: the application role, organisations, users, roles, sessions,
-- security events and the transparency log (DESIGN.md, "Transparency log").

-- The application connects as etender_app, which may read and write business tables
-- but never change log rows. Creating the role needs CREATEROLE; on a managed server
-- where the migrating user lacks it, an administrator creates the role beforehand.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        CREATE ROLE etender_app LOGIN;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'cannot create role etender_app; create it before migrating';
END
$$;

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'GRANT USAGE ON SCHEMA public TO etender_app';
        EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public '
                'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO etender_app';
        EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public '
                'GRANT USAGE, SELECT ON SEQUENCES TO etender_app';
        EXECUTE 'GRANT SELECT ON schema_migrations TO etender_app';
    END IF;
END
$$;

-- GB 32100-2015 unified social credit code: 18 characters from a 31-letter alphabet
-- (no I, O, Z, S, V), the last a check character (weights 3^i mod 31, mod 31).
CREATE FUNCTION credit_code_valid(code text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    alphabet constant text := '0123456789ABCDEFGHJKLMNPQRTUWXY';
    weights constant int[] := ARRAY[1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28];
    total int := 0;
    pos int;
BEGIN
    IF code !~ '^[0-9A-HJ-NPQRTUWXY]{18}$' THEN
        RETURN false;
    END IF;
    FOR i IN 1..17 LOOP
        pos := strpos(alphabet, substr(code, i, 1)) - 1;
        total := total + pos * weights[i];
    END LOOP;
    RETURN substr(alphabet, ((31 - total % 31) % 31) + 1, 1) = substr(code, 18, 1);
END
$$;

CREATE TABLE organisations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    credit_code text NOT NULL UNIQUE CHECK (credit_code_valid(credit_code)),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind text NOT NULL CHECK (kind IN (
        'city_centre', 'county_centre', 'industry_department', 'agency', 'tenderer',
        'bidder', 'expert_employer', 'other')),
    parent_id uuid REFERENCES organisations (id),
    region text NOT NULL DEFAULT '' CHECK (length(region) <= 64),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- "1+6": a county sub-centre always hangs under a city centre.
    CHECK (kind <> 'county_centre' OR parent_id IS NOT NULL),
    CHECK (parent_id IS DISTINCT FROM id)
);

CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
    display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    -- scrypt, PHC-style string; NULL means the account logs in by certificate only.
    password_hash text CHECK (password_hash IS NULL OR password_hash LIKE '$scrypt$%'),
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    failed_logins integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until timestamptz,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX users_organisation_idx ON users (organisation_id);

CREATE TABLE role_grants (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id),
    role text NOT NULL CHECK (role IN (
        'centre_staff', 'agency', 'tenderer', 'bidder', 'opening_official', 'expert',
        'supervisor', 'witness', 'system_admin', 'security_admin', 'audit_admin')),
    -- The organisation the role acts for: a supervisor's industry department.
    scope_id uuid REFERENCES organisations (id),
    granted_by uuid REFERENCES users (id),
    granted_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    revoked_at timestamptz,
    CHECK (role <> 'supervisor' OR scope_id IS NOT NULL),
    CHECK (revoked_at IS NULL OR revoked_at >= granted_at)
);
CREATE UNIQUE INDEX role_grants_active_idx
    ON role_grants (user_id, role, coalesce(scope_id, '00000000-0000-0000-0000-000000000000'))
    WHERE revoked_at IS NULL;
-- 三员分立: one person holds at most one of the three administrator roles.
CREATE UNIQUE INDEX role_grants_one_admin_idx ON role_grants (user_id)
    WHERE revoked_at IS NULL AND role IN ('system_admin', 'security_admin', 'audit_admin');

CREATE TABLE sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Only the SHA-256 of the token is stored: a database dump yields no usable token.
    token_sha256 bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    user_id uuid NOT NULL REFERENCES users (id),
    kind text NOT NULL CHECK (kind IN ('cookie', 'bearer')),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    address text NOT NULL DEFAULT '',
    CHECK (expires_at > created_at)
);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;

-- Refusals are counted per minute, kind, address and subject, so a flood updates a
-- bounded number of rows instead of stalling the log (DESIGN.md); summarised into the
-- log periodically.
CREATE TABLE security_events (
    bucket timestamptz NOT NULL,
    kind text NOT NULL CHECK (kind ~ '^[a-z_.]{1,64}$'),
    address text NOT NULL DEFAULT '',
    subject text NOT NULL DEFAULT '',
    count integer NOT NULL CHECK (count > 0),
    summarised boolean NOT NULL DEFAULT false,
    PRIMARY KEY (bucket, kind, address, subject)
);
CREATE INDEX security_events_unsummarised_idx ON security_events (bucket) WHERE NOT summarised;

-- The transparency log: RFC 9162 leaves and the hashes of complete aligned subtrees.
CREATE TABLE log_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    size bigint NOT NULL CHECK (size >= 0)
);
INSERT INTO log_head (size) VALUES (0);

CREATE TABLE log_entries (
    idx bigint PRIMARY KEY CHECK (idx >= 0),
    entry bytea NOT NULL,
    kind text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX log_entries_kind_idx ON log_entries (kind, idx);

CREATE TABLE log_nodes (
    level smallint NOT NULL CHECK (level BETWEEN 0 AND 62),
    idx bigint NOT NULL CHECK (idx >= 0),
    hash bytea NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
);

CREATE TABLE log_checkpoints (
    size bigint PRIMARY KEY CHECK (size >= 0),
    root bytea NOT NULL CHECK (length(root) = 32),
    note text NOT NULL,
    signed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE log_witnesses (
    name text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 200),
    vkey text NOT NULL UNIQUE,
    added_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE log_cosignatures (
    size bigint NOT NULL REFERENCES log_checkpoints (size),
    witness text NOT NULL REFERENCES log_witnesses (name),
    line text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (size, witness)
);

-- Nobody rewrites history (DESIGN.md, trust model 5): log rows refuse UPDATE, DELETE
-- and TRUNCATE for every role, and the application role is not even granted them.
CREATE FUNCTION log_rows_are_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the transparency log is append-only (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER log_entries_append_only BEFORE UPDATE OR DELETE ON log_entries
    FOR EACH ROW EXECUTE FUNCTION log_rows_are_append_only();
CREATE TRIGGER log_entries_no_truncate BEFORE TRUNCATE ON log_entries
    FOR EACH STATEMENT EXECUTE FUNCTION log_rows_are_append_only();
CREATE TRIGGER log_nodes_append_only BEFORE UPDATE OR DELETE ON log_nodes
    FOR EACH ROW EXECUTE FUNCTION log_rows_are_append_only();
CREATE TRIGGER log_nodes_no_truncate BEFORE TRUNCATE ON log_nodes
    FOR EACH STATEMENT EXECUTE FUNCTION log_rows_are_append_only();
CREATE TRIGGER log_checkpoints_append_only BEFORE UPDATE OR DELETE ON log_checkpoints
    FOR EACH ROW EXECUTE FUNCTION log_rows_are_append_only();
CREATE TRIGGER log_checkpoints_no_truncate BEFORE TRUNCATE ON log_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION log_rows_are_append_only();

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON log_entries, log_nodes, log_checkpoints '
                'FROM etender_app';
    END IF;
END
$$;
