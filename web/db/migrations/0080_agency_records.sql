-- 0080 agency records (issue 14, item 1; DOMAIN.md "Monitoring and supervision": agencies
-- are assessed on service quality from platform data plus inspections; results are
-- published). The registry of agencies (招标代理机构), their staff and qualifications,
-- inspections (planned or ad hoc) by a supervising department with their findings, and
-- the published assessments. Findings and assessments are records: never changed or
-- deleted (EBM 49); a wrong finding is answered by another finding, not an edit.

CREATE TABLE agency_registrations (
    organisation_id uuid PRIMARY KEY REFERENCES organisations (id),
    registration_number text NOT NULL UNIQUE
        CHECK (registration_number ~ '^[A-Za-z0-9-]{1,64}$'),
    registered_on date NOT NULL,
    address text NOT NULL DEFAULT '' CHECK (length(address) <= 200),
    contact text NOT NULL DEFAULT '' CHECK (length(contact) <= 100),
    -- The categories of procurement the agency is registered for.
    scope text[] NOT NULL CHECK (
        cardinality(scope) BETWEEN 1 AND 3
        AND scope <@ ARRAY['works', 'goods', 'services']::text[]),
    recorded_by uuid NOT NULL REFERENCES users (id),
    recorded_at timestamptz NOT NULL
);

-- Only an organisation of kind 'agency' is registered as one.
CREATE FUNCTION agency_registrations_are_agencies() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM organisations WHERE id = NEW.organisation_id AND kind = 'agency') THEN
        RAISE EXCEPTION 'only an agency organisation is registered as an agency'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER agency_registrations_kind BEFORE INSERT OR UPDATE ON agency_registrations
    FOR EACH ROW EXECUTE FUNCTION agency_registrations_are_agencies();

CREATE TABLE agency_staff (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES agency_registrations (organisation_id),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    role text NOT NULL CHECK (role IN ('principal', 'project_manager', 'staff')),
    -- HMAC of the identity-card number under the platform's id-card key
    -- (expert_pool/id_card.py): the plain number is never stored or logged.
    id_hash text NOT NULL CHECK (id_hash ~ '^[0-9a-f]{64}$'),
    qualification text NOT NULL DEFAULT '' CHECK (length(qualification) <= 100),
    qualification_number text NOT NULL DEFAULT '' CHECK (length(qualification_number) <= 64),
    qualification_valid_until date,
    joined_on date NOT NULL,
    recorded_by uuid NOT NULL REFERENCES users (id),
    recorded_at timestamptz NOT NULL,
    UNIQUE (organisation_id, id_hash),
    CHECK (qualification <> '' OR qualification_number = '')
);

CREATE TABLE agency_inspections (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES agency_registrations (organisation_id),
    -- The inspecting department: only its supervisors record the findings.
    department_id uuid NOT NULL REFERENCES organisations (id),
    kind text NOT NULL CHECK (kind IN ('planned', 'ad_hoc')),
    scheduled_on date NOT NULL,
    subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 500),
    opened_by uuid NOT NULL REFERENCES users (id),
    opened_at timestamptz NOT NULL
);
CREATE INDEX agency_inspections_agency_idx ON agency_inspections (organisation_id);

CREATE TABLE agency_inspection_findings (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    inspection_id uuid NOT NULL REFERENCES agency_inspections (id),
    severity text NOT NULL CHECK (severity IN ('observation', 'minor', 'major')),
    description text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
    tender_id uuid REFERENCES tenders (id),
    found_on date NOT NULL,
    recorded_by uuid NOT NULL REFERENCES users (id),
    recorded_at timestamptz NOT NULL
);
CREATE INDEX agency_inspection_findings_inspection_idx
    ON agency_inspection_findings (inspection_id);

CREATE TABLE agency_assessments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES agency_registrations (organisation_id),
    period_start date NOT NULL,
    period_end date NOT NULL,
    -- The formula's version and the facts it was applied to: anyone can recompute.
    formula_version text NOT NULL CHECK (formula_version ~ '^[A-Za-z0-9._-]{1,64}$'),
    facts jsonb NOT NULL CHECK (jsonb_typeof(facts) = 'object'),
    score numeric(6, 2) NOT NULL CHECK (score BETWEEN -9999 AND 9999),
    grade text NOT NULL CHECK (length(grade) BETWEEN 1 AND 16),
    published_by uuid NOT NULL REFERENCES users (id),
    published_at timestamptz NOT NULL,
    CHECK (period_start <= period_end),
    UNIQUE (organisation_id, period_start, period_end)
);

CREATE FUNCTION agency_records_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are records: never changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'check_violation';
END
$$;
CREATE TRIGGER agency_inspections_append_only BEFORE UPDATE OR DELETE
    ON agency_inspections FOR EACH ROW EXECUTE FUNCTION agency_records_append_only();
CREATE TRIGGER agency_inspection_findings_append_only BEFORE UPDATE OR DELETE
    ON agency_inspection_findings FOR EACH ROW EXECUTE FUNCTION agency_records_append_only();
CREATE TRIGGER agency_assessments_append_only BEFORE UPDATE OR DELETE
    ON agency_assessments FOR EACH ROW EXECUTE FUNCTION agency_records_append_only();
