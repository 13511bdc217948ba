-- 0142 the trading centre that runs each listing (the outside tester's finding F6, session
-- 16): until now any centre's staff recorded and corrected a listing's deposits, read its
-- named registrations and watched its auction room — a county sub-centre's staff on the
-- city centre's listings. A listing is run by one centre, exactly as a tender is hosted by
-- one (migration 0083): that centre's staff and the staff of the city centre above it act
-- on it, nobody else's (listing/access.py; accounts/permissions.py, relation ``centre``).
-- Every listing so far was run by the platform's own centre (home_centre(), 0083).

ALTER TABLE listings ADD COLUMN centre_id uuid REFERENCES organisations (id);
UPDATE listings SET centre_id = home_centre();
ALTER TABLE listings ALTER COLUMN centre_id SET DEFAULT home_centre();
ALTER TABLE listings ALTER COLUMN centre_id SET NOT NULL;

-- The centre is a city or county centre, and stays the same for the listing's life.
CREATE FUNCTION listings_centre_check() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.centre_id IS DISTINCT FROM OLD.centre_id THEN
        RAISE EXCEPTION 'a listing''s centre never changes'
            USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM organisations o WHERE o.id = NEW.centre_id
                   AND o.kind IN ('city_centre', 'county_centre')) THEN
        RAISE EXCEPTION 'a listing is run by a city or county centre'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER listings_centre_check BEFORE INSERT OR UPDATE OF centre_id ON listings
    FOR EACH ROW EXECUTE FUNCTION listings_centre_check();
