-- 0020 tenders: drafts, lots, transaction codes and opening committees
-- (issue 4, item 1; DESIGN.md "Opening committee", "Lifecycles").

-- One counter per "centre-year-category" prefix: the row lock taken by the upsert
-- serialises publications of one prefix, so codes are gap-free and unique.
CREATE TABLE tender_code_counters (
    prefix text PRIMARY KEY CHECK (prefix ~ '^[A-Z]{2,8}-[0-9]{4}-(GC|HW|FW)$'),
    last_value integer NOT NULL CHECK (last_value BETWEEN 1 AND 999999)
);

CREATE TABLE tenders (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code text UNIQUE CHECK (code ~ '^[A-Z]{2,8}-[0-9]{4}-(GC|HW|FW)-[0-9]{6}$'),
    status text NOT NULL DEFAULT 'draft' CHECK (status IN (
        'draft', 'published', 'suspended', 'bidding_closed', 'opening', 'evaluation',
        'candidates_publicised', 'awarded', 'contract', 'performance', 'archived',
        'cancelled', 'failed')),
    agency_id uuid NOT NULL REFERENCES organisations (id),
    tenderer_id uuid NOT NULL REFERENCES organisations (id),
    department_id uuid NOT NULL REFERENCES organisations (id),
    created_by uuid NOT NULL REFERENCES users (id),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 20000),
    category text NOT NULL CHECK (category IN ('works', 'goods', 'services')),
    procedure text NOT NULL CHECK (procedure IN ('open', 'invited')),
    envelopes smallint NOT NULL DEFAULT 1 CHECK (envelopes IN (1, 2)),
    consortia_allowed boolean NOT NULL DEFAULT false,
    opening_policy text NOT NULL DEFAULT 'strict' CHECK (opening_policy IN ('strict', 'lenient')),
    invitation_approval text NOT NULL DEFAULT '' CHECK (length(invitation_approval) <= 200),
    documents_from timestamptz,
    documents_until timestamptz,
    clarification_cutoff timestamptz,
    -- The bid deadline is the opening time (Law 34); a clarification may move it later.
    deadline timestamptz CHECK (deadline = date_trunc('second', deadline)),
    decryption_minutes integer NOT NULL DEFAULT 30 CHECK (decryption_minutes BETWEEN 1 AND 1440),
    opening_fields jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(opening_fields) = 'array'),
    -- The policies in force at publication (DESIGN.md, "Time"): a snapshot, never live.
    policies jsonb CHECK (jsonb_typeof(policies) = 'object'),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    published_at timestamptz,
    result_published_at timestamptz,
    CHECK (agency_id <> tenderer_id),
    CHECK (status <> 'draft' OR (code IS NULL AND published_at IS NULL AND policies IS NULL)),
    CHECK (status IN ('draft', 'cancelled') OR (
        code IS NOT NULL AND published_at IS NOT NULL AND policies IS NOT NULL
        AND documents_from < documents_until AND documents_until <= deadline
        AND clarification_cutoff < deadline)),
    CHECK (result_published_at IS NULL OR published_at IS NOT NULL)
);
CREATE INDEX tenders_agency_idx ON tenders (agency_id, created_at);
CREATE INDEX tenders_public_idx ON tenders (published_at DESC, id) WHERE published_at IS NOT NULL;

CREATE TABLE tender_lots (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    number text NOT NULL CHECK (number ~ '^[1-9][0-9]?$'),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    estimated_price_fen bigint NOT NULL CHECK (estimated_price_fen BETWEEN 0 AND 9007199254740991),
    price_ceiling_fen bigint NOT NULL CHECK (price_ceiling_fen BETWEEN 0 AND 9007199254740991),
    bond_fen bigint NOT NULL CHECK (bond_fen BETWEEN 0 AND 9007199254740991),
    evaluation jsonb NOT NULL CHECK (jsonb_typeof(evaluation) = 'object'),
    UNIQUE (tender_id, number),
    UNIQUE (tender_id, id)
);

-- A published notice is the same text everywhere (DOMAIN.md, "Results and disclosure"):
-- after the draft, only the status, the deadline (moved by a clarification, Reg. 21)
-- and the result time may change; lots not at all.
CREATE FUNCTION tender_content_is_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'draft' AND (
        NEW.code IS DISTINCT FROM OLD.code OR NEW.title IS DISTINCT FROM OLD.title
        OR NEW.description IS DISTINCT FROM OLD.description
        OR NEW.category IS DISTINCT FROM OLD.category
        OR NEW.procedure IS DISTINCT FROM OLD.procedure
        OR NEW.envelopes IS DISTINCT FROM OLD.envelopes
        OR NEW.consortia_allowed IS DISTINCT FROM OLD.consortia_allowed
        OR NEW.opening_policy IS DISTINCT FROM OLD.opening_policy
        OR NEW.agency_id IS DISTINCT FROM OLD.agency_id
        OR NEW.tenderer_id IS DISTINCT FROM OLD.tenderer_id
        OR NEW.department_id IS DISTINCT FROM OLD.department_id
        OR NEW.documents_from IS DISTINCT FROM OLD.documents_from
        OR NEW.documents_until IS DISTINCT FROM OLD.documents_until
        OR NEW.clarification_cutoff IS DISTINCT FROM OLD.clarification_cutoff
        OR NEW.decryption_minutes IS DISTINCT FROM OLD.decryption_minutes
        OR NEW.opening_fields IS DISTINCT FROM OLD.opening_fields
        OR NEW.policies IS DISTINCT FROM OLD.policies
        OR NEW.published_at IS DISTINCT FROM OLD.published_at
        OR NEW.deadline < OLD.deadline
        OR NEW.status = 'draft'
    ) THEN
        RAISE EXCEPTION 'a published tender keeps its notice (% changed)', TG_TABLE_NAME
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER tenders_content_frozen BEFORE UPDATE ON tenders
    FOR EACH ROW EXECUTE FUNCTION tender_content_is_frozen();

CREATE FUNCTION tender_lots_only_in_drafts() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM tenders
               WHERE id = coalesce(NEW.tender_id, OLD.tender_id) AND status <> 'draft') THEN
        RAISE EXCEPTION 'lots change only while the tender is a draft'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN coalesce(NEW, OLD);
END
$$;
CREATE TRIGGER tender_lots_draft_only BEFORE INSERT OR UPDATE OR DELETE ON tender_lots
    FOR EACH ROW EXECUTE FUNCTION tender_lots_only_in_drafts();

-- The opening committee of a lot: appointed by centre staff, approved by another
-- person (a supervisor of the department), frozen once a bid is sealed to it.
CREATE TABLE opening_committees (
    lot_id uuid PRIMARY KEY REFERENCES tender_lots (id) ON DELETE CASCADE,
    tender_id uuid NOT NULL REFERENCES tenders (id),
    k smallint NOT NULL,
    n smallint NOT NULL,
    roster_sha256 text NOT NULL CHECK (roster_sha256 ~ '^[0-9a-f]{64}$'),
    appointed_by uuid NOT NULL REFERENCES users (id),
    appointed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    approved_by uuid REFERENCES users (id),
    approved_at timestamptz,
    frozen_at timestamptz,
    CHECK (2 <= k AND k < n AND n <= 32),
    CHECK ((approved_by IS NULL) = (approved_at IS NULL)),
    CHECK (approved_by IS NULL OR approved_by <> appointed_by),
    CHECK (frozen_at IS NULL OR approved_at IS NOT NULL),
    FOREIGN KEY (tender_id, lot_id) REFERENCES tender_lots (tender_id, id)
);

CREATE TABLE opening_officials (
    lot_id uuid NOT NULL REFERENCES opening_committees (lot_id) ON DELETE CASCADE,
    x smallint NOT NULL CHECK (x BETWEEN 1 AND 32),
    user_id uuid NOT NULL REFERENCES users (id),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    recipient text NOT NULL CHECK (recipient ~ '^age1[02-9ac-hj-np-z]{58}$'),
    certificate bytea NOT NULL,
    cert_sha256 text NOT NULL CHECK (cert_sha256 ~ '^[0-9a-f]{64}$'),
    statement_body bytea NOT NULL,
    statement_signature bytea NOT NULL,
    PRIMARY KEY (lot_id, x),
    UNIQUE (lot_id, user_id),
    UNIQUE (lot_id, recipient),
    UNIQUE (lot_id, cert_sha256)
);
CREATE INDEX opening_officials_user_idx ON opening_officials (user_id);

-- DESIGN.md: frozen once the first bid arrives; a later change means re-sealing.
CREATE FUNCTION opening_committee_is_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    lot uuid := coalesce(NEW.lot_id, OLD.lot_id);
BEGIN
    IF TG_TABLE_NAME = 'opening_committees' AND TG_OP = 'UPDATE' THEN
        IF OLD.frozen_at IS NOT NULL THEN
            RAISE EXCEPTION 'the opening committee is frozen' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT FROM opening_committees WHERE lot_id = lot AND frozen_at IS NOT NULL) THEN
        RAISE EXCEPTION 'the opening committee is frozen' USING ERRCODE = 'check_violation';
    END IF;
    RETURN coalesce(NEW, OLD);
END
$$;
CREATE TRIGGER opening_committees_frozen BEFORE UPDATE OR DELETE ON opening_committees
    FOR EACH ROW EXECUTE FUNCTION opening_committee_is_frozen();
CREATE TRIGGER opening_officials_frozen BEFORE INSERT OR UPDATE OR DELETE ON opening_officials
    FOR EACH ROW EXECUTE FUNCTION opening_committee_is_frozen();
