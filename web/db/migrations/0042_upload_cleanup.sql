-- 0042 sealed-part uploads: a writer lease kept in the database (one writer per upload
-- across processes and nodes) and abandoned uploads (issue 4; docs/formats/upload.md,
-- "Chunks" and "Abandoned uploads").

ALTER TABLE bid_uploads
    -- The writer lease: a random token of the request writing the upload and when the
    -- lease lapses by the database clock. An expired lease (a crashed process) is taken
    -- over by the next writer.
    ADD COLUMN writer_token text CHECK (writer_token ~ '^[0-9a-f]{32}$'),
    ADD COLUMN lease_until timestamptz,
    -- Last sign of life (created, claimed, renewed, bytes committed): idle uploads are
    -- abandoned after a policy period.
    ADD COLUMN touched_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    ADD COLUMN abandoned_at timestamptz;

UPDATE bid_uploads SET touched_at = coalesce(completed_at, created_at);

-- The status and failure checks of 0030 name 'failed' only; replace both (their names
-- were chosen by PostgreSQL, so find them by definition).
DO $$
DECLARE
    found record;
BEGIN
    FOR found IN
        SELECT conname FROM pg_constraint
        WHERE conrelid = 'bid_uploads'::regclass AND contype = 'c'
          AND pg_get_constraintdef(oid) LIKE '%''failed''%'
    LOOP
        EXECUTE format('ALTER TABLE bid_uploads DROP CONSTRAINT %I', found.conname);
    END LOOP;
END $$;

ALTER TABLE bid_uploads
    ADD CONSTRAINT bid_uploads_status_check
        CHECK (status IN ('open', 'complete', 'failed', 'abandoned')),
    -- failed: the error code that ended it; abandoned: bid_deadline_passed or bid_upload_idle.
    ADD CONSTRAINT bid_uploads_ended_check
        CHECK ((status IN ('failed', 'abandoned')) = (failure IS NOT NULL)),
    ADD CONSTRAINT bid_uploads_abandoned_check
        CHECK ((status = 'abandoned') = (abandoned_at IS NOT NULL)),
    ADD CONSTRAINT bid_uploads_abandoned_reason_check
        CHECK (status <> 'abandoned' OR failure IN ('bid_deadline_passed', 'bid_upload_idle')),
    ADD CONSTRAINT bid_uploads_lease_check
        CHECK ((writer_token IS NULL) = (lease_until IS NULL)),
    -- Only an open upload has a writer.
    ADD CONSTRAINT bid_uploads_lease_open_check
        CHECK (status = 'open' OR writer_token IS NULL);

-- The cleanup job scans open uploads only.
CREATE INDEX bid_uploads_open_idx ON bid_uploads (touched_at) WHERE status = 'open';
