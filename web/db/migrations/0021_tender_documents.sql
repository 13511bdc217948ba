-- 0021 tender documents, downloads, clarifications and amendments, objections
-- (issue 4, items 2–3; DOMAIN.md "Tender period", "Records").

CREATE TABLE tender_documents (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200 AND name !~ '[/\\:*?"<>|]'),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (tender_id, name),
    UNIQUE (tender_id, id)
);

-- Reg. 21: a clarification or amendment, and the deadline before and after it.
CREATE TABLE tender_clarifications (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    number integer NOT NULL CHECK (number >= 1),
    kind text NOT NULL CHECK (kind IN ('clarification', 'amendment')),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body text NOT NULL CHECK (length(body) BETWEEN 1 AND 50000),
    issued_by uuid NOT NULL REFERENCES users (id),
    issued_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    deadline_before timestamptz NOT NULL,
    deadline_after timestamptz NOT NULL CHECK (deadline_after >= deadline_before),
    UNIQUE (tender_id, number),
    UNIQUE (tender_id, id)
);

-- Every version of every document is kept (DOMAIN.md, "Records"): no deletes, and
-- only the publication columns may be set, once.
CREATE TABLE tender_document_versions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id uuid NOT NULL,
    document_id uuid NOT NULL,
    version integer NOT NULL CHECK (version >= 1),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size bigint NOT NULL CHECK (size >= 0),
    media_type text NOT NULL CHECK (length(media_type) BETWEEN 1 AND 100),
    uploaded_by uuid NOT NULL REFERENCES users (id),
    uploaded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    published_at timestamptz,
    clarification_id uuid,
    UNIQUE (document_id, version),
    FOREIGN KEY (tender_id, document_id) REFERENCES tender_documents (tender_id, id),
    FOREIGN KEY (tender_id, clarification_id) REFERENCES tender_clarifications (tender_id, id),
    CHECK (clarification_id IS NULL OR published_at IS NOT NULL)
);

CREATE FUNCTION tender_versions_are_kept() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.published_at IS NOT NULL
       OR (NEW.id, NEW.tender_id, NEW.document_id, NEW.version, NEW.sha256, NEW.size,
           NEW.media_type, NEW.uploaded_by, NEW.uploaded_at)
          IS DISTINCT FROM
          (OLD.id, OLD.tender_id, OLD.document_id, OLD.version, OLD.sha256, OLD.size,
           OLD.media_type, OLD.uploaded_by, OLD.uploaded_at) THEN
        RAISE EXCEPTION 'document versions are kept as uploaded' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER tender_versions_kept BEFORE UPDATE OR DELETE ON tender_document_versions
    FOR EACH ROW EXECUTE FUNCTION tender_versions_are_kept();

-- EBM: who downloaded what, when, from where; hidden from all but the agency and the
-- tenderer until the deadline. The salt opens the log entry's commitment later.
CREATE TABLE tender_downloads (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    version_id uuid NOT NULL REFERENCES tender_document_versions (id),
    user_id uuid NOT NULL REFERENCES users (id),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    downloaded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    address text NOT NULL DEFAULT '' CHECK (length(address) <= 64),
    salt bytea NOT NULL CHECK (length(salt) = 32)
);
CREATE INDEX tender_downloads_tender_idx ON tender_downloads (tender_id, downloaded_at);
CREATE INDEX tender_downloads_org_idx ON tender_downloads (tender_id, organisation_id);

-- Reg. 21: every party that downloaded the documents gets the clarification.
CREATE TABLE tender_notifications (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clarification_id uuid NOT NULL REFERENCES tender_clarifications (id),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    user_id uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    read_at timestamptz,
    UNIQUE (clarification_id, user_id)
);
CREATE INDEX tender_notifications_user_idx ON tender_notifications (user_id, created_at);

-- Reg. 22: objections to the documents, answered within 3 days; the tender is
-- suspended while any is open.
CREATE TABLE tender_objections (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    filed_by uuid NOT NULL REFERENCES users (id),
    text text NOT NULL CHECK (length(text) BETWEEN 1 AND 20000),
    filed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    answer_due timestamptz NOT NULL,
    answer text CHECK (length(answer) BETWEEN 1 AND 20000),
    answered_at timestamptz,
    answered_by uuid REFERENCES users (id),
    salt bytea NOT NULL CHECK (length(salt) = 32),
    CHECK ((answer IS NULL) = (answered_at IS NULL)),
    CHECK ((answer IS NULL) = (answered_by IS NULL)),
    CHECK (answer_due > filed_at)
);
CREATE INDEX tender_objections_open_idx ON tender_objections (tender_id) WHERE answer IS NULL;
