-- 0095 finding a draw's candidates with one index-only range scan per label (issue 17,
-- item 3; docs/performance.md, "Expert draws").
--
-- A label `<specialty>@<region rule>` selects the experts with a specialty code under
-- <specialty> (a C-collation prefix range) registered in one of the rule's regions. Until
-- now the candidates were read from (code, expert_id) and joined to `experts` for the
-- region and every attribute the draw-wide rules test: a hash join over the whole experts
-- table, the largest node of the prepare step. Each specialty row now carries a copy of
-- its expert's region and the attributes the rules read (employer, status, title, years
-- of practice, birth date), kept equal to `experts` by the triggers below, and one index
-- holds them all: the scan of a label's range is index-only and needs no other table.

ALTER TABLE expert_specialties
    ADD COLUMN region text,
    ADD COLUMN employer_credit_code text,
    ADD COLUMN status text,
    ADD COLUMN title text,
    ADD COLUMN years_of_practice integer,
    ADD COLUMN birth_date date;

UPDATE expert_specialties s
SET region = x.region, employer_credit_code = x.employer_credit_code, status = x.status,
    title = x.title, years_of_practice = x.years_of_practice, birth_date = x.birth_date
FROM experts x
WHERE x.id = s.expert_id;

ALTER TABLE expert_specialties
    ALTER COLUMN region SET NOT NULL,
    ALTER COLUMN employer_credit_code SET NOT NULL,
    ALTER COLUMN status SET NOT NULL,
    ALTER COLUMN title SET NOT NULL,
    ALTER COLUMN years_of_practice SET NOT NULL,
    ALTER COLUMN birth_date SET NOT NULL;

-- A specialty row takes its expert's attributes, whatever the caller wrote.
CREATE FUNCTION expert_specialty_copy_expert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    SELECT x.region, x.employer_credit_code, x.status, x.title, x.years_of_practice,
           x.birth_date
    INTO NEW.region, NEW.employer_credit_code, NEW.status, NEW.title,
         NEW.years_of_practice, NEW.birth_date
    FROM experts x WHERE x.id = NEW.expert_id;
    RETURN NEW;
END $$;

CREATE TRIGGER expert_specialties_copy_expert BEFORE INSERT OR UPDATE ON expert_specialties
FOR EACH ROW EXECUTE FUNCTION expert_specialty_copy_expert();

-- A change of one of those attributes reaches the expert's specialty rows in the same
-- transaction (the BEFORE trigger above re-reads them from the updated row).
CREATE FUNCTION expert_specialties_follow_expert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE expert_specialties SET region = NEW.region WHERE expert_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER experts_specialties_follow AFTER UPDATE ON experts
FOR EACH ROW
WHEN (OLD.region IS DISTINCT FROM NEW.region
      OR OLD.employer_credit_code IS DISTINCT FROM NEW.employer_credit_code
      OR OLD.status IS DISTINCT FROM NEW.status
      OR OLD.title IS DISTINCT FROM NEW.title
      OR OLD.years_of_practice IS DISTINCT FROM NEW.years_of_practice
      OR OLD.birth_date IS DISTINCT FROM NEW.birth_date)
EXECUTE FUNCTION expert_specialties_follow_expert();

-- The candidates' index: (code, region) bound the scan, expert_id and the rules'
-- attributes come from the index itself (expert_pool/pools/queries.py, CANDIDATES;
-- tests/expert_pool/pools/test_candidates_plan.py checks the plan). It leads with code,
-- so it serves the specialty search too and replaces the (code, expert_id) index.
CREATE INDEX expert_specialties_candidates_idx
    ON expert_specialties (code, region, expert_id)
    INCLUDE (employer_credit_code, status, title, years_of_practice, birth_date);
DROP INDEX expert_specialties_code_idx;

-- The monthly cap counted once per expert and month instead of probing every
-- candidate's services: a draw reads the experts at the cap with one range scan.
-- `month` is the first day of served_on's month (served_on is a Beijing calendar date).
CREATE TABLE expert_service_months (
    expert_id text NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    month date NOT NULL CHECK (extract(day FROM month) = 1),
    served integer NOT NULL CHECK (served >= 0),
    PRIMARY KEY (expert_id, month)
);
CREATE INDEX expert_service_months_served_idx ON expert_service_months (month, served, expert_id);

INSERT INTO expert_service_months (expert_id, month, served)
SELECT expert_id, date_trunc('month', served_on)::date, count(*)
FROM expert_services GROUP BY 1, 2;

CREATE FUNCTION expert_services_count_month() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE expert_service_months SET served = served - 1
        WHERE expert_id = OLD.expert_id AND month = date_trunc('month', OLD.served_on)::date;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO expert_service_months (expert_id, month, served)
        VALUES (NEW.expert_id, date_trunc('month', NEW.served_on)::date, 1)
        ON CONFLICT (expert_id, month) DO UPDATE SET served = expert_service_months.served + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER expert_services_count_month AFTER INSERT OR UPDATE OR DELETE ON expert_services
FOR EACH ROW EXECUTE FUNCTION expert_services_count_month();

-- The other history rules read small sets once per draw (hashed), each by its index.
CREATE INDEX expert_services_tenderer_idx ON expert_services (tenderer, served_on) INCLUDE (expert_id);
CREATE INDEX expert_relationships_person_idx ON expert_relationships (person_name);
CREATE INDEX expert_unavailability_ends_idx ON expert_unavailability (ends_at)
    INCLUDE (starts_at, expert_id);
