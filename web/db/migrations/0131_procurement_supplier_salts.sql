-- 0131 who was invited to a procurement project stays sealed in the log until the award
-- (issue 18 item 4; the outside tester's "Invited suppliers in the log";
-- docs/api-procurement.md "Log entries", docs/audit-log.md §1.2 and §9).
--
-- The project's entries name each supplier only as commit(credit code, salt) with one
-- salt per supplier and project, kept here: the same commitment in the plan's list, a
-- quotation, a round's reveal and an exclusion, so the entries of one supplier agree
-- with each other and open together. procurement.suppliers_revealed, in the award's
-- transaction, reveals every salt of the project (a supplier dropped from a draft's plan
-- too), so anyone recomputes every commitment the project's entries hold. A salt is
-- drawn once, when the supplier is first named, and never changes.

CREATE TABLE procurement_supplier_salts (
    tender_id uuid NOT NULL REFERENCES procurement_projects (tender_id),
    supplier_id uuid NOT NULL REFERENCES organisations (id),
    salt bytea NOT NULL CHECK (length(salt) = 32),
    PRIMARY KEY (tender_id, supplier_id)
);

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON procurement_supplier_salts FROM etender_app';
    END IF;
END
$$;
