-- 0091 the tender's sealing policy (issue 16: bidders seal in the browser).
--
-- 'any' (every tender before this, and the default): a bid part may be sealed in the
-- bidder's browser or with `etender bid seal`. 'client': the agency requires sealing
-- with `etender bid seal` on the bidder's machine; the bidder's page refuses to seal in
-- the browser for such a tender and says why. The server cannot tell how a part was
-- sealed (the format is the same, docs/formats/sealed-bid.md): the policy binds the
-- page and is stated in the notice, it is not a check on upload (docs/api-tenders.md,
-- "Sealing").

ALTER TABLE tenders
    ADD COLUMN sealing text NOT NULL DEFAULT 'any' CHECK (sealing IN ('any', 'client'));

-- Part of the notice: frozen at publication like the rest (0068's function with
-- sealing added).
CREATE OR REPLACE FUNCTION tender_content_is_frozen() RETURNS trigger
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
        OR NEW.signing_keys IS DISTINCT FROM OLD.signing_keys
        OR NEW.sealing IS DISTINCT FROM OLD.sealing
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
