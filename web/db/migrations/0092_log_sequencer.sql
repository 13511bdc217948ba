-- 0092 a sequencer for the transparency log (issue 17, item 2; the Trillian design).
--
-- log_append (0002) gives an entry its index inside the caller's transaction, so it
-- holds the row lock on log_head until that transaction commits: every append in the
-- platform waits for the one before it to commit (docs/performance.md, "Transparency-log
-- appends"). Now a change may instead queue its entry: a plain INSERT into log_queue in
-- the change's own transaction (so a rolled-back change leaves no entry and a committed
-- one always has one), taking no shared lock. One node at a time — the leader, holding
-- a session advisory lock (audit/leader.py) — integrates queued entries in batches with
-- log_integrate: each batch takes the head lock only for its own short transaction,
-- gives the entries the next indexes in queue order, hashes them into log_nodes exactly
-- as log_append does (RFC 9162), deletes them from the queue and notifies
-- `etender_log_integrated`. Gap-free indexes are kept: only integration assigns them,
-- under the head lock. Readers of the log read log_entries and so see integrated
-- entries only, in the same byte formats as before.
--
-- Queue ids come from a sequence (gaps are harmless: they are not log indexes). They
-- are handed out before commit, so a batch may integrate id 7 before id 5 that commits
-- later; but a change that commits before another starts queues the smaller id and is
-- visible to every batch that sees the later one, so the log keeps commit causality.

CREATE TABLE log_queue (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry bytea NOT NULL,
    kind text NOT NULL,
    queued_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Which queued entry a log entry came from: how a caller learns its entry's index
-- after integration (audit.service.indexes_of). NULL for appends that took an index
-- in their own transaction (log_append).
ALTER TABLE log_entries ADD COLUMN queued bigint;
CREATE UNIQUE INDEX log_entries_queued_idx ON log_entries (queued) WHERE queued IS NOT NULL;

-- A queued entry is never rewritten (DESIGN.md, trust model 5); integration deletes it
-- in the transaction that writes it into log_entries.
CREATE TRIGGER log_queue_append_only BEFORE UPDATE ON log_queue
    FOR EACH ROW EXECUTE FUNCTION log_rows_are_append_only();

-- Integrate up to `batch` queued entries in queue order; returns the new log size.
-- Each statement of a volatile PL/pgSQL function takes a fresh snapshot under READ
-- COMMITTED, so after waiting for the head lock the queue scan sees (and skips) what a
-- previous integrator deleted. Only the ids integrated here are deleted: an entry
-- committed after the scan began is left for the next batch.
CREATE FUNCTION log_integrate(batch integer) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    first_size bigint;
    next_size bigint;
    current_hash bytea;
    sibling bytea;
    lvl int;
    q record;
    done bigint[] := '{}';
BEGIN
    IF batch IS NULL OR batch < 1 THEN
        RAISE EXCEPTION 'log_integrate needs a batch of at least one entry'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT size INTO first_size FROM public.log_head FOR UPDATE;
    next_size := first_size;
    FOR q IN SELECT id, entry, kind FROM public.log_queue ORDER BY id LIMIT batch LOOP
        INSERT INTO public.log_entries (idx, entry, kind, queued)
        VALUES (next_size, q.entry, q.kind, q.id);
        current_hash := sha256('\x00'::bytea || q.entry);
        INSERT INTO public.log_nodes (level, idx, hash) VALUES (0, next_size, current_hash);
        next_size := next_size + 1;
        lvl := 1;
        -- Every aligned subtree the new leaf completes: its left child is older.
        WHILE next_size % (1::bigint << lvl) = 0 LOOP
            SELECT hash INTO STRICT sibling FROM public.log_nodes
            WHERE level = lvl - 1 AND idx = (next_size >> (lvl - 1)) - 2;
            current_hash := sha256('\x01'::bytea || sibling || current_hash);
            INSERT INTO public.log_nodes (level, idx, hash)
            VALUES (lvl, (next_size >> lvl) - 1, current_hash);
            lvl := lvl + 1;
        END LOOP;
        done := done || q.id;
    END LOOP;
    IF next_size > first_size THEN
        DELETE FROM public.log_queue WHERE id = ANY (done);
        UPDATE public.log_head SET size = next_size;
        -- Delivered at commit, only if the batch commits (audit.service.wait_integrated).
        PERFORM pg_notify('etender_log_integrated', next_size::text);
    END IF;
    RETURN next_size;
END
$$;

REVOKE ALL ON FUNCTION log_integrate(integer) FROM PUBLIC;

-- The application queues with a plain INSERT (no function call on the hot path) and
-- reads the queue; it can neither rewrite nor drop a queued entry (0056's rule: the
-- log's bookkeeping changes only through functions).
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'GRANT EXECUTE ON FUNCTION log_integrate(integer) TO etender_app';
        EXECUTE 'GRANT SELECT, INSERT ON log_queue TO etender_app';
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON log_queue FROM etender_app';
    END IF;
END
$$;
