-- 0090 a blacklisted party's refusals, counted per Beijing day (outside tester, issue 14:
-- a refused party retrying in a loop appended one transparency-log entry per try, so it
-- could grow the log — and every witness's work — without bound). The first refusal of
-- each (entry, action, actor, day) is logged; the rest are counted here.
CREATE TABLE credit_refusals (
    entry_id uuid NOT NULL REFERENCES credit_list_entries (id),
    action text NOT NULL CHECK (action <> ''),
    actor_id uuid REFERENCES users (id),  -- null: nobody signed in
    day date NOT NULL,
    attempts integer NOT NULL DEFAULT 1 CHECK (attempts >= 1),
    last_at timestamptz NOT NULL,
    CONSTRAINT credit_refusals_one_per_day UNIQUE NULLS NOT DISTINCT (entry_id, action, actor_id, day)
);
