-- 0067 the own seed of a release round (docs/formats/draw.md §4.2).
--
-- A round opened after the draw's platform_seed was revealed to supervisors (a 补抽
-- of a complete committee, or the refill of one of its picks) cannot rely on
-- platform_seed: supervisors know key_0, so whoever supplies e_r could try values
-- offline and choose the pick. Such a round gets 32 fresh random bytes, committed
-- (`draw.round_committed`, hex SHA-256) before any entropy for it is taken and
-- revealed with the round's result. Kept exactly as draws.platform_seed is: a column
-- the platform reads for the draw step, served only once revealed.
--
-- A round seed is a record (EBM 49): never changed or deleted.

CREATE TABLE draw_round_seeds (
    draw_id text NOT NULL REFERENCES draws (id),
    r integer NOT NULL CHECK (r >= 1),
    round_seed bytea NOT NULL CHECK (length(round_seed) = 32),
    seed_commitment text NOT NULL CHECK (seed_commitment ~ '^[0-9a-f]{64}$'),
    -- Its draw.round_committed entry: a contribution needs a checkpoint covering it.
    log_index bigint NOT NULL UNIQUE REFERENCES log_entries (idx),
    committed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (draw_id, r),
    CHECK (seed_commitment = encode(sha256(round_seed), 'hex'))
);

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON draw_round_seeds FROM etender_app';
    END IF;
END
$$;
