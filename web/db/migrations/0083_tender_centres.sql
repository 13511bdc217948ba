-- 0083 the trading centre that hosts each tender (DESIGN.md "Who uses it": centre staff
-- host openings, keep bonds, appoint committees; the organisation tree: a city centre
-- and its county sub-centres, "1+6"). Until now any centre staff acted on any tender —
-- a county sub-centre's staff on the city's tenders (session 9's open item). A tender
-- is hosted by one centre; that centre's staff and the staff of the city centre above
-- it act on it, nobody else's (accounts/permissions.py, relation ``centre``).

-- The platform's own centre: the first city centre registered (the one the platform
-- was set up for; other cities' centres only lend venues for remote evaluation).
CREATE FUNCTION home_centre() RETURNS uuid
    LANGUAGE sql STABLE AS $$
    SELECT id FROM organisations WHERE kind = 'city_centre' ORDER BY created_at, id LIMIT 1
$$;

ALTER TABLE tenders ADD COLUMN centre_id uuid REFERENCES organisations (id);
UPDATE tenders SET centre_id = home_centre();
ALTER TABLE tenders ALTER COLUMN centre_id SET DEFAULT home_centre();
ALTER TABLE tenders ALTER COLUMN centre_id SET NOT NULL;

-- The host is a centre, and stays the same for the tender's life.
CREATE FUNCTION tenders_centre_check() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.centre_id IS DISTINCT FROM OLD.centre_id THEN
        RAISE EXCEPTION 'a tender''s hosting centre never changes'
            USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM organisations o WHERE o.id = NEW.centre_id
                   AND o.kind IN ('city_centre', 'county_centre')) THEN
        RAISE EXCEPTION 'a tender is hosted by a city or county centre'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER tenders_centre_check BEFORE INSERT OR UPDATE OF centre_id ON tenders
    FOR EACH ROW EXECUTE FUNCTION tenders_centre_check();
