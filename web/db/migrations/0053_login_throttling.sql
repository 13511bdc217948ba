-- 0053: login throttling instead of the account lockout (issue 9, item 8;
-- docs/api-auth.md, "Throttling"). Five wrong passwords used to lock an account for
-- 15 minutes from everywhere: anyone could keep a competitor locked out around a
-- deadline, and only known usernames locked. Now failures are remembered per
-- (username as typed, address): they slow that pair down and, counted per address,
-- that address; never the account from elsewhere.

CREATE TABLE login_attempts (
    id bigserial PRIMARY KEY,
    -- SHA-256 of the username as typed (UTF-8): known and unknown names are throttled
    -- alike, and no typed name (sometimes a password typed in the wrong field) is kept.
    name_sha256 bytea NOT NULL CHECK (length(name_sha256) = 32),
    -- The client's address as the server saw it ('' when it has none).
    address text NOT NULL CHECK (length(address) <= 64),
    -- Written before the password is checked, so parallel guesses at one username all
    -- count for it; removed with the pair's earlier failures when the password is right.
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- Set once the password was wrong: only failures count for the address as a whole,
    -- so many people behind one address signing in at once are not refused.
    failed boolean NOT NULL DEFAULT false
);
CREATE INDEX login_attempts_pair_idx ON login_attempts (name_sha256, address, at);
CREATE INDEX login_attempts_address_idx ON login_attempts (address, at) WHERE failed;
CREATE INDEX login_attempts_at_idx ON login_attempts (at);

-- The lockout's counters go (nothing reads them any more).
ALTER TABLE users DROP COLUMN failed_logins, DROP COLUMN locked_until;
