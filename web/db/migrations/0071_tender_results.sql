-- 0071 the results of a tender (issue 13, items 1-3; DOMAIN.md "Results and disclosure",
-- Reg. 54-55): the candidates' publicity per lot, objections to the candidates and their
-- answers, and the award decisions (the award, a winner's drop-out, a re-tender), each
-- with its reason. Later work (notices, contracts, OCDS, the archive) reads these tables.
--
-- Nothing here is changed or deleted (EBM 49), except an objection's answer, written
-- once, and the award's ``current`` flag, which a drop-out clears.

CREATE FUNCTION tender_results_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'check_violation', CONSTRAINT = 'tender_results_append_only';
END $$;

-- The candidates publicised for one lot (Reg. 54: within 3 days of the report, for at
-- least 3 days). ``body`` is the public text as canonical JSON (rank, name, price,
-- quality, duration, project manager, the evaluation summary, how to object); its
-- SHA-256 is logged, so the same text is served everywhere.
CREATE TABLE candidate_publicities (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    lot text NOT NULL CHECK (lot ~ '^[1-9][0-9]?$'),
    body jsonb NOT NULL CHECK (jsonb_typeof(body) = 'object'),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    published_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    published_by uuid NOT NULL REFERENCES users (id),
    CHECK (ends_at > published_at),
    UNIQUE (tender_id, lot)
);

-- Reg. 54: an objection to the candidates, filed during the publicity and answered
-- within 3 days; no award while one is unanswered. Both sides sign (CMS detached over
-- the canonical statement; the certificate's SHA-256 names the key).
CREATE TABLE candidate_objections (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    lot text NOT NULL CHECK (lot ~ '^[1-9][0-9]?$'),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    filed_by uuid NOT NULL REFERENCES users (id),
    text text NOT NULL CHECK (length(text) BETWEEN 1 AND 20000),
    statement bytea NOT NULL,
    signature bytea NOT NULL,
    cert_sha256 text NOT NULL CHECK (cert_sha256 ~ '^[0-9a-f]{64}$'),
    filed_at timestamptz NOT NULL,
    answer_due timestamptz NOT NULL,
    answer text CHECK (length(answer) BETWEEN 1 AND 20000),
    answer_statement bytea,
    answer_signature bytea,
    answer_cert_sha256 text CHECK (answer_cert_sha256 ~ '^[0-9a-f]{64}$'),
    answered_at timestamptz,
    answered_by uuid REFERENCES users (id),
    upheld boolean,
    CHECK (answer_due > filed_at),
    CHECK ((answer IS NULL) = (answered_at IS NULL)),
    CHECK ((answer IS NULL) = (answered_by IS NULL)),
    CHECK ((answer IS NULL) = (answer_signature IS NULL)),
    CHECK ((answer IS NULL) = (answer_statement IS NULL)),
    CHECK ((answer IS NULL) = (answer_cert_sha256 IS NULL)),
    CHECK ((answer IS NULL) = (upheld IS NULL))
);
CREATE INDEX candidate_objections_open_idx ON candidate_objections (tender_id, lot)
    WHERE answer IS NULL;

-- The award decisions of a lot, in order (Reg. 55): ``award`` names a candidate (for a
-- state-funded project the first-ranked, else the next after a drop-out); ``drop_out``
-- records that the awarded candidate gave up or was disqualified (its award is no
-- longer current); ``retender`` ends the lot without a winner. Each has its reason.
CREATE TABLE award_decisions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id uuid NOT NULL REFERENCES tenders (id),
    lot text NOT NULL CHECK (lot ~ '^[1-9][0-9]?$'),
    step integer NOT NULL CHECK (step BETWEEN 1 AND 10),
    kind text NOT NULL CHECK (kind IN ('award', 'drop_out', 'retender')),
    bid_id uuid REFERENCES bids (id),
    bidder_id uuid REFERENCES organisations (id),
    rank integer CHECK (rank BETWEEN 1 AND 3),
    price_fen bigint CHECK (price_fen >= 0),
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    decided_at timestamptz NOT NULL,
    decided_by uuid NOT NULL REFERENCES users (id),
    current boolean NOT NULL DEFAULT false,
    CHECK ((kind = 'retender') = (bid_id IS NULL)),
    CHECK ((bid_id IS NULL) = (bidder_id IS NULL)),
    CHECK ((bid_id IS NULL) = (rank IS NULL)),
    CHECK (current = false OR kind = 'award'),
    UNIQUE (tender_id, lot, step)
);
-- At most one current award per lot: the winner that contracts, notices and OCDS use.
CREATE UNIQUE INDEX award_decisions_current_idx ON award_decisions (tender_id, lot)
    WHERE current;

CREATE TRIGGER candidate_publicities_append_only BEFORE UPDATE OR DELETE
    ON candidate_publicities FOR EACH ROW EXECUTE FUNCTION tender_results_append_only();

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON candidate_publicities FROM etender_app';
        EXECUTE 'REVOKE DELETE, TRUNCATE ON candidate_objections, award_decisions '
                'FROM etender_app';
        EXECUTE 'REVOKE UPDATE ON award_decisions FROM etender_app';
        EXECUTE 'GRANT UPDATE (current) ON award_decisions TO etender_app';
    END IF;
END
$$;
