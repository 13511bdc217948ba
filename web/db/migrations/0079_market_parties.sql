-- 0079 the market-party registry and its credit (issue 14, item 2: 市场主体信息库, 信用监管).
--
-- One registry over ``organisations``: qualifications, people (by name and a hash of the
-- ID number: the plain number is never stored), relations between parties (Reg. 34),
-- violations resting on a finding, sanctions resting on a violation, the red and black
-- lists (失信惩戒) with their source, term and appeal. Findings, violations and sanctions
-- are never changed or deleted; a list entry only changes its appeal state and, once,
-- its revocation (an upheld appeal).

CREATE FUNCTION market_parties_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'check_violation', CONSTRAINT = 'market_parties_append_only';
END $$;

CREATE TABLE party_qualifications (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    kind text NOT NULL CHECK (length(kind) BETWEEN 1 AND 100),
    grade text NOT NULL CHECK (length(grade) <= 50),
    number text NOT NULL CHECK (length(number) BETWEEN 1 AND 100),
    issuer text NOT NULL CHECK (length(issuer) BETWEEN 1 AND 200),
    valid_from date NOT NULL,
    valid_to date,
    recorded_by uuid NOT NULL REFERENCES users (id),
    recorded_at timestamptz NOT NULL,
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    UNIQUE (organisation_id, kind, number)
);

-- People of a party. ``id_hash`` is the keyed HMAC-SHA256 of the validated ID number
-- (expert_pool/id_card.py, the platform's one matching key): equal numbers match across
-- parties and experts (Reg. 34: a shared legal representative); the number is never kept.
CREATE TABLE party_people (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    role text NOT NULL CHECK (role IN ('legal_representative', 'principal', 'project_manager',
                                       'staff')),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    id_hash text NOT NULL CHECK (id_hash ~ '^[0-9a-f]{64}$'),
    recorded_by uuid NOT NULL REFERENCES users (id),
    recorded_at timestamptz NOT NULL,
    UNIQUE (organisation_id, role, id_hash)
);
CREATE INDEX party_people_hash_idx ON party_people (id_hash);
CREATE UNIQUE INDEX party_people_one_legal_representative_idx ON party_people (organisation_id)
    WHERE role = 'legal_representative';

CREATE TABLE party_relations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    from_org uuid NOT NULL REFERENCES organisations (id),
    to_org uuid NOT NULL REFERENCES organisations (id),
    kind text NOT NULL CHECK (kind IN ('controlling', 'managed_by',
                                       'shared_legal_representative', 'shared_principal')),
    basis text NOT NULL CHECK (length(basis) BETWEEN 1 AND 2000),
    recorded_by uuid NOT NULL REFERENCES users (id),
    recorded_at timestamptz NOT NULL,
    CHECK (from_org <> to_org),
    UNIQUE (from_org, to_org, kind)
);
CREATE INDEX party_relations_to_idx ON party_relations (to_org);

-- A violation rests on a finding: an inspection, an upheld complaint, a supervision
-- record or another authority's decision, named by ``finding_ref``.
CREATE TABLE violations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    kind text NOT NULL CHECK (kind ~ '^[a-z_]{1,64}$'),
    description text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
    finding_source text NOT NULL CHECK (finding_source IN ('inspection', 'complaint',
                                        'supervision_record', 'authority')),
    finding_ref text NOT NULL CHECK (length(finding_ref) BETWEEN 1 AND 200),
    tender_id uuid REFERENCES tenders (id),
    found_at timestamptz NOT NULL,
    department_id uuid NOT NULL REFERENCES organisations (id),
    recorded_by uuid NOT NULL REFERENCES users (id),
    recorded_at timestamptz NOT NULL
);
CREATE INDEX violations_organisation_idx ON violations (organisation_id, found_at);
CREATE TRIGGER violations_append_only BEFORE UPDATE OR DELETE ON violations
    FOR EACH ROW EXECUTE FUNCTION market_parties_append_only();

CREATE TABLE sanctions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    violation_id uuid NOT NULL REFERENCES violations (id),
    kind text NOT NULL CHECK (kind IN ('warning', 'fine', 'suspension', 'debarment')),
    detail text NOT NULL CHECK (length(detail) BETWEEN 1 AND 2000),
    amount_fen bigint CHECK (amount_fen BETWEEN 1 AND 9007199254740991),
    starts_at timestamptz NOT NULL,
    ends_at timestamptz,
    department_id uuid NOT NULL REFERENCES organisations (id),
    decided_by uuid NOT NULL REFERENCES users (id),
    decided_at timestamptz NOT NULL,
    CHECK ((kind = 'fine') = (amount_fen IS NOT NULL)),
    CHECK (ends_at IS NULL OR ends_at > starts_at)
);
CREATE INDEX sanctions_violation_idx ON sanctions (violation_id);
CREATE TRIGGER sanctions_append_only BEFORE UPDATE OR DELETE ON sanctions
    FOR EACH ROW EXECUTE FUNCTION market_parties_append_only();

-- The red and black lists. A black entry rests on a violation of the platform's own
-- record, or (source ``authority``) on another authority's list, which may name a party
-- not registered yet: it is matched by its credit code when it registers.
CREATE TABLE credit_list_entries (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid REFERENCES organisations (id),
    credit_code text NOT NULL CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
    list text NOT NULL CHECK (list IN ('red', 'black')),
    source text NOT NULL CHECK (source IN ('inspection', 'complaint', 'supervision_record',
                                           'authority')),
    violation_id uuid REFERENCES violations (id),
    basis text NOT NULL CHECK (length(basis) BETWEEN 1 AND 2000),
    basis_ref text NOT NULL CHECK (length(basis_ref) BETWEEN 1 AND 200),
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    department_id uuid NOT NULL REFERENCES organisations (id),
    entered_by uuid NOT NULL REFERENCES users (id),
    entered_at timestamptz NOT NULL,
    appeal_state text NOT NULL DEFAULT 'none'
        CHECK (appeal_state IN ('none', 'pending', 'upheld', 'dismissed')),
    revoked_at timestamptz,
    CHECK (ends_at > starts_at),
    CHECK (list = 'red' OR violation_id IS NOT NULL OR source = 'authority'),
    CHECK (list = 'black' OR violation_id IS NULL),
    CHECK (organisation_id IS NOT NULL OR source = 'authority'),
    CHECK ((revoked_at IS NOT NULL) = (appeal_state = 'upheld'))
);
CREATE INDEX credit_list_entries_org_idx ON credit_list_entries (organisation_id, list);
CREATE INDEX credit_list_entries_code_idx ON credit_list_entries (credit_code, list);

CREATE FUNCTION credit_list_entries_appeal_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.revoked_at IS NOT NULL
        OR (NEW.id, NEW.organisation_id, NEW.credit_code, NEW.list, NEW.source,
            NEW.violation_id, NEW.basis, NEW.basis_ref, NEW.starts_at, NEW.ends_at,
            NEW.department_id, NEW.entered_by, NEW.entered_at) IS DISTINCT FROM
           (OLD.id, OLD.organisation_id, OLD.credit_code, OLD.list, OLD.source,
            OLD.violation_id, OLD.basis, OLD.basis_ref, OLD.starts_at, OLD.ends_at,
            OLD.department_id, OLD.entered_by, OLD.entered_at) THEN
        RAISE EXCEPTION 'a list entry changes only by its appeal'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'credit_list_entries_appeal_only';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER credit_list_entries_appeal_only BEFORE UPDATE OR DELETE ON credit_list_entries
    FOR EACH ROW EXECUTE FUNCTION credit_list_entries_appeal_only();

-- An appeal of a list entry: filed by the listed party, decided once by a supervisor of
-- the department that entered it. One pending appeal per entry.
CREATE TABLE credit_appeals (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    entry_id uuid NOT NULL REFERENCES credit_list_entries (id),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    grounds text NOT NULL CHECK (length(grounds) BETWEEN 1 AND 4000),
    filed_by uuid NOT NULL REFERENCES users (id),
    filed_at timestamptz NOT NULL,
    decision text CHECK (decision IN ('upheld', 'dismissed')),
    reasons text CHECK (length(reasons) BETWEEN 1 AND 4000),
    decided_by uuid REFERENCES users (id),
    decided_at timestamptz,
    CHECK ((decision IS NULL) = (reasons IS NULL)),
    CHECK ((decision IS NULL) = (decided_by IS NULL)),
    CHECK ((decision IS NULL) = (decided_at IS NULL))
);
CREATE UNIQUE INDEX credit_appeals_pending_idx ON credit_appeals (entry_id)
    WHERE decision IS NULL;

CREATE FUNCTION credit_appeals_decide_once() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.decision IS NOT NULL
        OR (NEW.id, NEW.entry_id, NEW.organisation_id, NEW.grounds, NEW.filed_by,
            NEW.filed_at) IS DISTINCT FROM
           (OLD.id, OLD.entry_id, OLD.organisation_id, OLD.grounds, OLD.filed_by,
            OLD.filed_at) THEN
        RAISE EXCEPTION 'an appeal is only decided, once'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'credit_appeals_decide_once';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER credit_appeals_decide_once BEFORE UPDATE OR DELETE ON credit_appeals
    FOR EACH ROW EXECUTE FUNCTION credit_appeals_decide_once();
