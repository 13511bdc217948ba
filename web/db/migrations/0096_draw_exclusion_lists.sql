-- 0096 a draw's exclusions stored once per draw (issue 17, item 3).
--
-- Issue 5 asks for every excluded candidate with its reasons, per draw. They were one row
-- per excluded expert (2,700 rows and as many foreign-key checks for a draw on a pool of
-- 100,000, a quarter of the prepare step). Now one row per prepared draw holds them as two
-- parallel arrays (docs/api-expert-pool.md, "Exclusions as stored"):
--   expert_ids[i]  an excluded candidate's id, ascending by bytes, each once;
--   reasons[i]     its reason codes (expert_pool/pools/exclusions.py, ExclusionReason), in
--                  that enumeration's order, joined by ',' (codes hold no comma).
-- The foreign key per expert is gone with the rows: the platform never deletes an expert
-- (a status ends its service), and the read joins the names.

CREATE TABLE draw_exclusion_lists (
    draw_id text PRIMARY KEY REFERENCES draws (id),
    expert_ids text[] NOT NULL,
    reasons text[] NOT NULL,
    CHECK (cardinality(expert_ids) = cardinality(reasons)),
    CHECK (array_position(reasons, '') IS NULL)
);

INSERT INTO draw_exclusion_lists (draw_id, expert_ids, reasons)
SELECT draw_id,
       array_agg(expert_id ORDER BY expert_id COLLATE "C"),
       array_agg(array_to_string(reasons, ',') ORDER BY expert_id COLLATE "C")
FROM draw_exclusions GROUP BY draw_id;

DROP TABLE draw_exclusions;
