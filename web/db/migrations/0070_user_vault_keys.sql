-- 0070 the server's half of a member's browser vault (issue 12; DESIGN.md "Blind scoring").
--
-- A member's browser keeps sheet drafts and sealed-but-unrevealed sheets (with their
-- ChaCha keys) in IndexedDB (docs/browser-signing.md §3). On a shared browser profile
-- another member could read them there. So every vault record is encrypted with a
-- per-user 32-byte key held here and handed only to that member's session
-- (GET /api/v1/me/vault-key): the browser's storage alone reads nothing, and this key
-- alone (no access to the browser) reads nothing.
--
-- A key is made once, on first use, and never changes: a changed key would make every
-- record kept in a browser unreadable.

CREATE TABLE user_vault_keys (
    user_id uuid PRIMARY KEY REFERENCES users (id),
    key bytea NOT NULL CHECK (octet_length(key) = 32),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- 0001's default privileges gave etender_app every table; it only makes and reads keys.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON user_vault_keys FROM etender_app';
    END IF;
END
$$;
