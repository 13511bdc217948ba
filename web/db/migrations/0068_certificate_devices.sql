-- 0068 device binding of signing certificates (issue 12: one signing module in the
-- browser).
--
-- A key made in a browser (WebCrypto, not extractable) never leaves that browser: its
-- certificate, registered by proof of possession, is bound to one member (a certificate
-- is registered to one user only, 0041) and to that device. The registration says so;
-- a certificate registered without a device (a CA's key file, a token) has neither.
-- A tender may refuse device keys for its members' signatures (tender field
-- signing_keys "ca", docs/api-tenders.md).

ALTER TABLE user_certificates
    ADD COLUMN device_kind text CHECK (device_kind IN ('browser')),
    ADD COLUMN device_label text CHECK (
        device_label IS NULL OR (char_length(device_label) BETWEEN 1 AND 64
                                 AND btrim(device_label) <> '')
    ),
    ADD CONSTRAINT user_certificates_device_whole
        CHECK ((device_kind IS NULL) = (device_label IS NULL));

-- Which keys sign the committee's findings of a tender's evaluation: 'any' (every
-- registered certificate, as before) or 'ca' (the member's own CA-held key only: a
-- certificate registered as a browser device key signs no sheet, revision or report).
ALTER TABLE tenders
    ADD COLUMN signing_keys text NOT NULL DEFAULT 'any' CHECK (signing_keys IN ('any', 'ca'));

-- Part of the notice: frozen at publication like the rest (0020's trigger, the same
-- function with signing_keys added).
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
