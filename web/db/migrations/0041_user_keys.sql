-- 0041: users' signing certificates and age recipients, and login challenges
-- (issue 3: register, rotate, and log in by signing a server challenge).

CREATE TABLE user_certificates (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id),
    cert_sha256 text NOT NULL UNIQUE CHECK (cert_sha256 ~ '^[0-9a-f]{64}$'),
    certificate bytea NOT NULL,
    subject text NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- A rotated certificate is kept: signatures made with it verify as of their time.
    retired_at timestamptz,
    CHECK (retired_at IS NULL OR retired_at >= registered_at)
);
CREATE UNIQUE INDEX user_certificates_current_idx ON user_certificates (user_id)
    WHERE retired_at IS NULL;

CREATE TABLE user_recipients (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id),
    recipient text NOT NULL CHECK (recipient ~ '^age1[02-9ac-hj-np-z]{58}$'),
    -- The signed recipient statement binding it to the user's certificate.
    cert_sha256 text NOT NULL REFERENCES user_certificates (cert_sha256),
    statement bytea NOT NULL,
    signature bytea NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- A rotated recipient stays listed: bids already sealed to it still open with it.
    retired_at timestamptz,
    UNIQUE (user_id, recipient)
);
CREATE UNIQUE INDEX user_recipients_current_idx ON user_recipients (user_id)
    WHERE retired_at IS NULL;

CREATE TABLE login_challenges (
    -- Only the nonce's SHA-256: a dump of the table cannot be replayed.
    nonce_sha256 bytea PRIMARY KEY CHECK (length(nonce_sha256) = 32),
    origin text NOT NULL,
    issued_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    CHECK (expires_at > issued_at)
);
CREATE INDEX login_challenges_expiry_idx ON login_challenges (expires_at);
