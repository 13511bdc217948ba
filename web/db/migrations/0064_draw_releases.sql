-- 0064 the replacement round of a complete evaluation draw (issue 11; DOMAIN.md
-- "Evaluation": a member replaced for conflict, absence or illness is replaced through
-- the draw's replacement round; docs/formats/draw.md §4.1).
--
-- When a supervisor approved a session's replacement of an expert seat, centre staff
-- release the leaving expert from the lot's complete draw: the expert id is recorded
-- in the transcript's latest `declined` list (so `etender-draw-v1` refills its place
-- in the next round, verifiable from the transcript alone) and here, linked to the
-- session's replacement record. A released member is no longer on the committee
-- (expert_pool.answers.queries.COMMITTEE_USERS); the expert the refill round confirms
-- under the same label is the one the host may seat (REPLACEMENT_CANDIDATES).
--
-- A release is a record (EBM 49): never changed or deleted.

CREATE TABLE draw_releases (
    draw_id text NOT NULL,
    expert_id text NOT NULL,
    -- The round that refills the place (the transcript's round count at the release).
    r integer NOT NULL CHECK (r >= 1),
    session_id uuid NOT NULL,
    seat integer NOT NULL,
    generation integer NOT NULL,  -- the leaving holder's
    released_by uuid NOT NULL REFERENCES users (id),
    released_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    log_index bigint NOT NULL UNIQUE REFERENCES log_entries (idx),
    PRIMARY KEY (draw_id, expert_id),
    UNIQUE (session_id, seat, generation),
    FOREIGN KEY (draw_id, expert_id) REFERENCES draw_members (draw_id, expert_id),
    FOREIGN KEY (session_id, seat, generation)
        REFERENCES evaluation_replacements (session_id, seat, generation)
);

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON draw_releases FROM etender_app';
    END IF;
END
$$;
