-- 0137 a complaint's entries commit to its statements' hashes under a salt kept here
-- (docs/api-complaints.md "Log entries", docs/audit-log.md §10).
--
-- Only a party complains — a downloader or a bidder, who stay secret until the tender's
-- deadline — and every field of a complaint's statement or of its withdrawal but the
-- complainant's credit code can be public or guessed (a short text), while credit codes
-- can be listed: a statement's plain SHA-256 in the log named the complainant. The
-- entries now log commit(statement hash, salt) under the label
-- "etender-complaint-statement-v1", one salt per complaint, drawn at the filing (or, for
-- a complaint filed before this migration, at its first later step: ``salted_from`` is
-- the first statement so logged, 0 the filing, n step n). The department's entries too:
-- its statements carry the complaint statement's hash, so their plain hashes would test
-- a guess of the complaint. complaint.statements_revealed, by the platform once the
-- tender's deadline has passed, reveals the salt and the hashes of the statements
-- ``salted_from`` .. n; ``revealed_through`` is the last it revealed (NULL: none yet).

CREATE TABLE complaint_salts (
    complaint_id uuid PRIMARY KEY REFERENCES complaints (id),
    salt bytea NOT NULL CHECK (length(salt) = 32),
    salted_from integer NOT NULL CHECK (salted_from >= 0),
    revealed_through integer CHECK (revealed_through >= salted_from)
);

-- The salt never changes; only what has been revealed moves forward.
CREATE FUNCTION complaint_salts_forward() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
        OR (NEW.complaint_id, NEW.salt, NEW.salted_from)
            IS DISTINCT FROM (OLD.complaint_id, OLD.salt, OLD.salted_from)
        OR NEW.revealed_through IS NULL
        OR NEW.revealed_through < coalesce(OLD.revealed_through, -1)
    THEN
        RAISE EXCEPTION 'a complaint''s salt never changes; its reveal only moves forward'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'complaint_salts_forward';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER complaint_salts_forward BEFORE UPDATE OR DELETE ON complaint_salts
    FOR EACH ROW EXECUTE FUNCTION complaint_salts_forward();

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'REVOKE DELETE, TRUNCATE ON complaint_salts FROM etender_app';
    END IF;
END
$$;
