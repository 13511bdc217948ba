-- 0052 draws: a draw cancelled after its picks shows supervisors its platform seed, so
-- they recompute the picks it would have seated (issue 9, item 2, selective abort;
-- expert_pool/service_close.py). 0011 allowed a revealed seed only on a complete draw;
-- replace that check (its name was chosen by PostgreSQL, so find it by definition).
DO $$
DECLARE
    found record;
BEGIN
    FOR found IN
        SELECT conname FROM pg_constraint
        WHERE conrelid = 'draws'::regclass AND contype = 'c'
          AND pg_get_constraintdef(oid) LIKE '%seed_revealed_at IS NULL%'
          AND pg_get_constraintdef(oid) LIKE '%''complete''%'
          AND pg_get_constraintdef(oid) NOT LIKE '%awarded_at%'
    LOOP
        EXECUTE format('ALTER TABLE draws DROP CONSTRAINT %I', found.conname);
    END LOOP;
END $$;

ALTER TABLE draws
    ADD CONSTRAINT draws_seed_revealed_check
        CHECK (seed_revealed_at IS NULL OR status IN ('complete', 'cancelled'));
