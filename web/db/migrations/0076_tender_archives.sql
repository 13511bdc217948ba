-- 0076 the project archive (issue 13, item 7; DOMAIN.md "Records": one file per project,
-- 一项一档, within 30 days of the end; EBM 49: no record forged, altered or destroyed).
-- One package per tender (docs/formats/archive.md), stored with its SHA-256 and the log
-- entry that anchors that hash; performance records come later as signed supplements,
-- each naming the package's SHA-256. Neither is ever changed or deleted.

CREATE TABLE tender_archives (
    tender_id uuid PRIMARY KEY REFERENCES tenders (id),
    sha256 text NOT NULL CHECK (sha256 = encode(sha256(package), 'hex')),
    size bigint NOT NULL CHECK (size = length(package)),
    package bytea NOT NULL,
    built_at timestamptz NOT NULL,
    -- Centre staff who asked for it, or NULL for the archive job.
    built_by uuid REFERENCES users (id),
    log_index bigint NOT NULL UNIQUE REFERENCES log_entries (idx)
);

CREATE TABLE tender_archive_supplements (
    tender_id uuid NOT NULL REFERENCES tender_archives (tender_id),
    number integer NOT NULL CHECK (number >= 1),
    package_sha256 text NOT NULL CHECK (package_sha256 ~ '^[0-9a-f]{64}$'),
    sha256 text NOT NULL CHECK (sha256 = encode(sha256(body), 'hex')),
    body bytea NOT NULL,
    added_at timestamptz NOT NULL,
    log_index bigint NOT NULL UNIQUE REFERENCES log_entries (idx),
    PRIMARY KEY (tender_id, number)
);

CREATE FUNCTION tender_archives_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'check_violation', CONSTRAINT = 'tender_archives_append_only';
END $$;

CREATE TRIGGER tender_archives_append_only BEFORE UPDATE OR DELETE
    ON tender_archives FOR EACH ROW EXECUTE FUNCTION tender_archives_append_only();
CREATE TRIGGER tender_archive_supplements_append_only BEFORE UPDATE OR DELETE
    ON tender_archive_supplements FOR EACH ROW EXECUTE FUNCTION tender_archives_append_only();

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON tender_archives, tender_archive_supplements '
                'FROM etender_app';
    END IF;
END
$$;
