-- 0040: no JIT compilation for the application role. Its queries are short OLTP
-- statements; JIT compiling the expert-pool exclusion query cost more than running it
-- (+100 ms measured by scripts/bench/draw.py; docs/performance.md).
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'ALTER ROLE etender_app SET jit = off';
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'cannot set jit = off for etender_app; set it by hand';
END
$$;
