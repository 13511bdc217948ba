-- 0082 early warning (issue 14, item 5; docs/monitoring.md): monitoring rules as data,
-- and where each sealed part was uploaded from (Reg. 40 collusion indicators).

-- Every version of a rule a supervisor stored; the shipped defaults
-- (supervision/monitoring/default_rules.json) hold until a version exists. Versions are
-- never rewritten: the latest one is the rule, the earlier ones its history.
CREATE TABLE monitoring_rules (
    name text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$'),
    version integer NOT NULL CHECK (version >= 1),
    definition jsonb NOT NULL CHECK (jsonb_typeof(definition) = 'object'
        AND definition ->> 'name' = name),
    changed_by uuid NOT NULL REFERENCES users (id),
    changed_at timestamptz NOT NULL,
    note text NOT NULL CHECK (length(note) BETWEEN 1 AND 500),
    PRIMARY KEY (name, version)
);

CREATE FUNCTION monitoring_rules_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'monitoring rule versions are never changed or deleted'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'monitoring_rules_append_only';
END $$;

CREATE TRIGGER monitoring_rules_append_only BEFORE UPDATE OR DELETE ON monitoring_rules
    FOR EACH ROW EXECUTE FUNCTION monitoring_rules_append_only();

-- Reg. 40: parts of different bidders uploaded from one network address or one client
-- installation (docs/formats/upload.md §2.1). Older uploads have neither: NULL.
ALTER TABLE bid_uploads
    ADD COLUMN client_address inet,
    ADD COLUMN client_installation text
        CHECK (client_installation ~ '^[A-Za-z0-9_-]{16,64}$');
CREATE INDEX bid_uploads_origin_idx ON bid_uploads (lot_id, client_address);
