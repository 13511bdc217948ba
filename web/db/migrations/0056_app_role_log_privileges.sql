-- 0056 the application role writes the log's bookkeeping tables only through functions
-- (issue 9, item 17; DESIGN.md, trust model 5: nobody rewrites history).
--
-- 0001 gave etender_app SELECT, INSERT, UPDATE, DELETE on every table by default and
-- took UPDATE, DELETE and TRUNCATE back from the three append-only log tables only. So
-- whoever held the application's credentials could still rewind `log_head` (wedging
-- every later append), delete or rewrite witnesses' cosignatures and witness keys,
-- insert leaves and nodes past log_append, and erase or reset the counted refusals in
-- `security_events` before they are summarised into the log.
--
-- Now each write the application needs is a SECURITY DEFINER function owned by the
-- migrating role, doing exactly that one statement, with a fixed search_path
-- (pg_catalog first, pg_temp last: PostgreSQL docs, "Writing SECURITY DEFINER
-- Functions Safely"). The application keeps SELECT everywhere and INSERT where a plain
-- insert is the whole operation (log_checkpoints, log_witnesses). Only these named
-- tables are touched: tables later migrations create keep 0001's default privileges.

-- Appends: log_head, log_entries and log_nodes change only through log_append (0002).
ALTER FUNCTION log_append(bytea[], text[])
    SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;

-- A witness's cosignature of a checkpoint, stored or refreshed (docs/audit-log.md §6).
CREATE FUNCTION log_store_cosignature(checkpoint_size bigint, witness_name text, line text)
RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    INSERT INTO public.log_cosignatures (size, witness, line)
    VALUES (checkpoint_size, witness_name, line)
    ON CONFLICT (size, witness) DO UPDATE SET line = EXCLUDED.line
$$;

-- One refusal counted in this minute's bucket; the bucket's count.
CREATE FUNCTION security_event_count(event_kind text, event_address text, event_subject text)
RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    INSERT INTO public.security_events AS e (bucket, kind, address, subject, count)
    VALUES (date_trunc('minute', clock_timestamp()), event_kind, event_address,
            event_subject, 1)
    ON CONFLICT (bucket, kind, address, subject) DO UPDATE SET count = e.count + 1
    RETURNING e.count
$$;

-- Every closed, unsummarised bucket marked summarised and returned (the summary job).
CREATE FUNCTION security_events_claim()
RETURNS TABLE (bucket timestamptz, kind text, address text, subject text, count integer)
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    UPDATE public.security_events AS e SET summarised = true
    WHERE NOT e.summarised AND e.bucket < date_trunc('minute', clock_timestamp())
    RETURNING e.bucket, e.kind, e.address, e.subject, e.count
$$;

REVOKE ALL ON FUNCTION log_append(bytea[], text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION log_store_cosignature(bigint, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION security_event_count(text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION security_events_claim() FROM PUBLIC;

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'GRANT EXECUTE ON FUNCTION log_append(bytea[], text[]), '
                'log_store_cosignature(bigint, text, text), '
                'security_event_count(text, text, text), security_events_claim() '
                'TO etender_app';
        EXECUTE 'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON log_head, log_entries, log_nodes, '
                'log_cosignatures, security_events FROM etender_app';
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON log_witnesses, log_checkpoints '
                'FROM etender_app';
    END IF;
END
$$;
