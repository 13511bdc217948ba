-- 0099 the platform's key fingerprints (issue 17, item 7: every node shares one log key
-- and one identity-card matching key; web/keysource.py).
--
-- The first node to start records a public fingerprint of each key (the log key's
-- verifier key hashed, a keyed hash of a fixed label for the matching key: no secret);
-- a node whose key differs refuses to start, so a node started without the operator's
-- shared keys dir cannot sign a second log. Both keys are fixed for the platform's life
-- (the log's origin and key; the matching key links identity-card hashes).

CREATE TABLE platform_keys (
    name text PRIMARY KEY CHECK (name IN ('log', 'id_card')),
    fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    recorded_at timestamptz NOT NULL DEFAULT now()
);
