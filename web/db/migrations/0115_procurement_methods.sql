-- 0115 government procurement methods besides tendering (issue 18, item 4; DOMAIN.md
-- "Other transaction types"; MOF Decree 74, 财库〔2014〕214号). A procurement project is a
-- tender row (its notice, documents, bonds, sealed bids, opening and evaluation serve
-- unchanged) plus the row here naming its method; a tender without a row is public
-- tendering, the default. The method's own steps are procurement/'s tables below.

CREATE TABLE procurement_projects (
    tender_id uuid PRIMARY KEY REFERENCES tenders (id),
    method text NOT NULL CHECK (method IN (
        'competitive_negotiation', 'request_for_quotations', 'single_source',
        'competitive_consultation')),
    -- Competitive negotiation: the negotiating group. A draft may hold any make-up (the
    -- agency sees every broken rule at the check); a published project's is 3+ members,
    -- odd, experts >= 2/3 (MOF Decree 74 Art. 7), refused here too.
    group_members smallint CHECK (group_members BETWEEN 0 AND 99),
    group_experts smallint CHECK (group_experts BETWEEN 0 AND 99),
    -- Single source: why only one supplier can supply (Decree 74 Art. 38), published.
    reason text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
    -- The procurement policies in force at publication (DESIGN.md, "Time"): a snapshot.
    policies jsonb CHECK (jsonb_typeof(policies) = 'object'),
    -- Set by the method's publication, in the same transaction as the tender's: the
    -- trigger below refuses to publish a project's tender any other way.
    checked_at timestamptz,
    -- Single source: the end of the publicity for objections (>= 5 working days after
    -- publication, Decree 74 Art. 38), fixed at publication.
    publicity_ends_at timestamptz CHECK (publicity_ends_at > checked_at),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK ((group_members IS NULL) = (group_experts IS NULL)),
    CHECK (checked_at IS NULL OR group_members IS NULL OR (group_members >= 3
        AND group_members % 2 = 1 AND 3 * group_experts >= 2 * group_members)),
    CHECK (group_members IS NULL OR group_experts <= group_members),
    CHECK (group_members IS NULL OR method = 'competitive_negotiation'),
    CHECK ((checked_at IS NULL) = (policies IS NULL)),
    CHECK ((publicity_ends_at IS NOT NULL) = (method = 'single_source' AND checked_at IS NOT NULL))
);

-- The suppliers invited to negotiate, quote or consult — or the one single source.
CREATE TABLE procurement_suppliers (
    tender_id uuid NOT NULL REFERENCES procurement_projects (tender_id),
    supplier_id uuid NOT NULL REFERENCES organisations (id),
    position smallint NOT NULL CHECK (position BETWEEN 1 AND 99),
    PRIMARY KEY (tender_id, supplier_id),
    UNIQUE (tender_id, position)
);

-- Competitive negotiation (Decree 74 Art. 31-35): rounds, then one final round of
-- final quotations. One round open at a time; nothing after the final round.
CREATE TABLE negotiation_rounds (
    tender_id uuid NOT NULL REFERENCES procurement_projects (tender_id),
    number smallint NOT NULL CHECK (number BETWEEN 1 AND 99),
    final boolean NOT NULL,
    opened_at timestamptz NOT NULL,
    closed_at timestamptz CHECK (closed_at >= opened_at),
    PRIMARY KEY (tender_id, number)
);
CREATE UNIQUE INDEX negotiation_rounds_one_open ON negotiation_rounds (tender_id)
    WHERE closed_at IS NULL;
CREATE UNIQUE INDEX negotiation_rounds_one_final ON negotiation_rounds (tender_id) WHERE final;

-- One quotation per supplier and round, never changed; the log holds its commitment
-- until the round closes, then the price and salt that open it.
CREATE TABLE negotiation_quotations (
    tender_id uuid NOT NULL,
    round smallint NOT NULL,
    supplier_id uuid NOT NULL,
    price_fen bigint NOT NULL CHECK (price_fen BETWEEN 1 AND 9007199254740991),
    salt bytea NOT NULL CHECK (length(salt) = 32),
    submitted_by uuid NOT NULL REFERENCES users (id),
    submitted_at timestamptz NOT NULL,
    PRIMARY KEY (tender_id, round, supplier_id),
    FOREIGN KEY (tender_id, round) REFERENCES negotiation_rounds (tender_id, number),
    FOREIGN KEY (tender_id, supplier_id) REFERENCES procurement_suppliers (tender_id, supplier_id)
);

-- Suppliers the negotiating group found not compliant (with the reason), before the award.
CREATE TABLE negotiation_exclusions (
    tender_id uuid NOT NULL,
    supplier_id uuid NOT NULL,
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    excluded_at timestamptz NOT NULL,
    PRIMARY KEY (tender_id, supplier_id),
    FOREIGN KEY (tender_id, supplier_id) REFERENCES procurement_suppliers (tender_id, supplier_id)
);

-- Single source (Decree 74 Art. 38-39): the publicity period for objections.
CREATE TABLE single_source_objections (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id uuid NOT NULL REFERENCES procurement_projects (tender_id),
    objector_id uuid NOT NULL REFERENCES organisations (id),
    filed_by uuid NOT NULL REFERENCES users (id),
    text text NOT NULL CHECK (length(text) BETWEEN 1 AND 5000),
    filed_at timestamptz NOT NULL,
    outcome text CHECK (outcome IN ('upheld', 'dismissed')),
    answer text CHECK (length(answer) BETWEEN 1 AND 5000),
    answered_at timestamptz,
    CHECK ((outcome IS NULL) = (answer IS NULL) AND (outcome IS NULL) = (answered_at IS NULL))
);
CREATE INDEX single_source_objections_tender_idx ON single_source_objections (tender_id, filed_at);

-- The method's award: the supplier and its price (negotiation: the lowest compliant
-- final quotation; single source: the price agreed with the one supplier).
CREATE TABLE procurement_awards (
    tender_id uuid PRIMARY KEY REFERENCES procurement_projects (tender_id),
    supplier_id uuid NOT NULL,
    price_fen bigint NOT NULL CHECK (price_fen BETWEEN 1 AND 9007199254740991),
    awarded_by uuid NOT NULL REFERENCES users (id),
    awarded_at timestamptz NOT NULL,
    FOREIGN KEY (tender_id, supplier_id) REFERENCES procurement_suppliers (tender_id, supplier_id)
);

CREATE FUNCTION procurement_publish_through_method() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'draft' AND NEW.status = 'published' AND EXISTS (
        SELECT FROM procurement_projects
        WHERE tender_id = NEW.id AND checked_at IS NULL) THEN
        RAISE EXCEPTION 'a procurement project is published through its method''s checks'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'procurement_publish_through_method';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER procurement_publish_through_method BEFORE UPDATE OF status ON tenders
    FOR EACH ROW EXECUTE FUNCTION procurement_publish_through_method();

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'REVOKE DELETE, TRUNCATE ON procurement_projects, negotiation_rounds, '
            'negotiation_exclusions, single_source_objections, procurement_awards FROM etender_app';
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON negotiation_quotations FROM etender_app';
    END IF;
END
$$;
