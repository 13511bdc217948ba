-- 0093 a bid version's receipt is signed after its log entry is integrated (issue 17,
-- item 2; docs/formats/upload.md §3.3).
--
-- A submission now queues its log entry (0092) in the transaction that records the
-- version, so the entry has no log index until the sequencer's leader integrates it.
-- The version row is written with `log_queued` (its queue id) and no log index, receipt
-- or signature; once the entry is integrated the platform fills those three, exactly
-- once, and the receipt names the index the log gave it. Versions written before this
-- migration keep their index and receipt, with no queue id.

ALTER TABLE bid_versions
    ALTER COLUMN log_index DROP NOT NULL,
    ALTER COLUMN receipt DROP NOT NULL,
    ALTER COLUMN receipt_signature DROP NOT NULL,
    ADD COLUMN log_queued bigint UNIQUE,
    ADD CONSTRAINT bid_versions_receipt_whole
        CHECK ((log_index IS NULL) = (receipt IS NULL)
               AND (receipt IS NULL) = (receipt_signature IS NULL)),
    ADD CONSTRAINT bid_versions_logged CHECK (log_index IS NOT NULL OR log_queued IS NOT NULL);

CREATE INDEX bid_versions_receipt_pending_idx ON bid_versions (bid_id) WHERE log_index IS NULL;

-- Versions stay append-only (0030), but for the one update that issues the receipt:
-- from no index to the index the log gave this version's queued entry, nothing else
-- changed. That update is allowed after the lot's freeze too — it changes no bid, it
-- records what the log already says (trust model 3 is about swapping versions).
CREATE FUNCTION bid_versions_receipt_once() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.log_index IS NULL AND NEW.log_index IS NOT NULL
       AND to_jsonb(NEW) - '{log_index,receipt,receipt_signature}'::text[]
           = to_jsonb(OLD) - '{log_index,receipt,receipt_signature}'::text[]
       AND NEW.log_index = (SELECT e.idx FROM log_entries e WHERE e.queued = OLD.log_queued)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% rows are never changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'check_violation', CONSTRAINT = 'bids_append_only';
END $$;

DROP TRIGGER bid_versions_append_only ON bid_versions;
CREATE TRIGGER bid_versions_append_only BEFORE DELETE ON bid_versions
    FOR EACH ROW EXECUTE FUNCTION bids_append_only();
CREATE TRIGGER bid_versions_receipt_once BEFORE UPDATE ON bid_versions
    FOR EACH ROW EXECUTE FUNCTION bid_versions_receipt_once();
DROP TRIGGER bid_versions_frozen ON bid_versions;
CREATE TRIGGER bid_versions_frozen BEFORE INSERT OR DELETE ON bid_versions
    FOR EACH ROW EXECUTE FUNCTION bids_frozen_guard();
