-- 0010 the shared expert pool (DOMAIN.md, "Expert pool and draws"): experts, their
-- specialties, status history, availability, declared relationships, penalties and
-- service history; the venue catalogue; the pool's policy as data.

-- Policy overrides as data; the defaults live in expert_pool/policy.py and a draw
-- snapshots the merged policy when it is requested (DESIGN.md, "Time").
CREATE TABLE expert_pool_policy (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    policy jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(policy) = 'object'),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
INSERT INTO expert_pool_policy (policy) VALUES ('{}');

-- The identity card number is never stored: only HMAC-SHA256 under the platform's
-- matching key and its last four characters (expert_pool/id_card.py).
CREATE TABLE experts (
    id text COLLATE "C" PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
    user_id uuid UNIQUE REFERENCES users (id),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    id_card_digest text NOT NULL UNIQUE CHECK (id_card_digest ~ '^[0-9a-f]{64}$'),
    id_card_last4 text NOT NULL CHECK (id_card_last4 ~ '^[0-9]{3}[0-9X]$'),
    phone text NOT NULL CHECK (phone ~ '^(1[3-9][0-9]{9}|0[0-9]{2,3}-[0-9]{7,8})$'),
    title text NOT NULL CHECK (title IN ('full_senior', 'senior', 'equivalent', 'intermediate')),
    years_of_practice integer NOT NULL CHECK (years_of_practice BETWEEN 0 AND 99),
    birth_date date NOT NULL CHECK (birth_date >= '1900-01-01'),
    region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
    employer_credit_code text NOT NULL CHECK (credit_code_valid(employer_credit_code)),
    status text NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'suspended', 'retired', 'banned')),
    cert_pem text,
    cert_sha256 text CHECK (cert_sha256 ~ '^[0-9a-f]{64}$'),
    age_recipient text CHECK (age_recipient ~ '^age1[02-9ac-hj-np-z]{58}$'),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK ((cert_pem IS NULL) = (cert_sha256 IS NULL))
);
CREATE INDEX experts_region_idx ON experts (region);
CREATE INDEX experts_employer_idx ON experts (employer_credit_code);

-- Codes are compared by prefix (a child code is its parent's plus two digits), so the
-- C collation lets a btree range scan serve "is under".
CREATE TABLE expert_specialties (
    expert_id text NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    code text COLLATE "C" NOT NULL CHECK (code ~ '^[A-Z]([0-9]{2})*$'),
    PRIMARY KEY (expert_id, code)
);
CREATE INDEX expert_specialties_code_idx ON expert_specialties (code, expert_id);

CREATE TABLE expert_status_history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    expert_id text NOT NULL REFERENCES experts (id),
    status text NOT NULL CHECK (status IN ('active', 'suspended', 'retired', 'banned')),
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    automatic boolean NOT NULL DEFAULT false,
    changed_by uuid REFERENCES users (id),
    changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK (automatic OR changed_by IS NOT NULL)
);
CREATE INDEX expert_status_history_expert_idx ON expert_status_history (expert_id, id);

-- Half-open intervals [starts_at, ends_at) the expert cannot serve in.
CREATE TABLE expert_unavailability (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    expert_id text NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    note text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    CHECK (ends_at > starts_at)
);
CREATE INDEX expert_unavailability_expert_idx ON expert_unavailability (expert_id, ends_at);

CREATE TABLE expert_relationships (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    expert_id text NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    kind text NOT NULL
        CHECK (kind IN ('close_relative', 'former_employer', 'economic_interest', 'other')),
    credit_code text CHECK (credit_code IS NULL OR credit_code_valid(credit_code)),
    person_name text CHECK (person_name IS NULL OR length(person_name) BETWEEN 1 AND 64),
    declared_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK (credit_code IS NOT NULL OR person_name IS NOT NULL)
);
CREATE INDEX expert_relationships_expert_idx ON expert_relationships (expert_id);
CREATE INDEX expert_relationships_code_idx ON expert_relationships (credit_code);

CREATE TABLE expert_penalties (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    expert_id text NOT NULL REFERENCES experts (id),
    kind text NOT NULL CHECK (kind IN ('administrative', 'criminal', 'disciplinary')),
    imposed_on date NOT NULL,
    authority text NOT NULL CHECK (length(authority) BETWEEN 1 AND 200),
    reference text NOT NULL DEFAULT '' CHECK (length(reference) <= 200),
    recorded_by uuid REFERENCES users (id),
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX expert_penalties_expert_idx ON expert_penalties (expert_id, imposed_on);

-- Service history: one row per accepted draw (the cool-off and monthly-cap rules read it).
CREATE TABLE expert_services (
    expert_id text NOT NULL REFERENCES experts (id),
    draw_id text NOT NULL,
    tenderer text NOT NULL CHECK (credit_code_valid(tenderer)),
    served_on date NOT NULL,
    PRIMARY KEY (expert_id, draw_id)
);
CREATE INDEX expert_services_expert_idx ON expert_services (expert_id, served_on);

-- Who took part in a project's prequalification (excluded from its evaluation).
CREATE TABLE expert_prequalifications (
    expert_id text NOT NULL REFERENCES experts (id),
    project_id text NOT NULL CHECK (project_id ~ '^[A-Za-z0-9_-]{1,64}$'),
    draw_id text NOT NULL,
    PRIMARY KEY (expert_id, project_id, draw_id)
);
CREATE INDEX expert_prequalifications_project_idx ON expert_prequalifications (project_id);

-- The venue catalogue: assisting venues (副场) are drawn from it like experts (两随机).
CREATE TABLE venues (
    id text COLLATE "C" PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
    address text NOT NULL DEFAULT '' CHECK (length(address) <= 200),
    seats integer NOT NULL CHECK (seats BETWEEN 1 AND 1000),
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX venues_region_idx ON venues (region) WHERE active;
