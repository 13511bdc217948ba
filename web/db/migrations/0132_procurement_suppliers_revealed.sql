-- 0132 when a project's invited suppliers were revealed (issue 18 item 4;
-- docs/api-procurement.md "Log entries"): procurement.suppliers_revealed is appended once,
-- at the first award — the method's own (negotiation, single source) or the tender's
-- (request for quotations, consultation: tender/results through the app's after-award
-- follow-ups) — and from then on the project shows its suppliers to everyone.

ALTER TABLE procurement_projects ADD COLUMN suppliers_revealed_at timestamptz;
