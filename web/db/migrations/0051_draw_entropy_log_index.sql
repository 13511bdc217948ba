-- 0051 draw entropy: where each contribution's entry is in the transparency log (and the
-- contributor's signature of its statement), so the
-- transcript carries the log index of the commit and of every contribution and anyone
-- holding it checks their order and inclusion (issue 9, item 2; docs/formats/draw.md §7).
-- Rows of earlier contributions keep NULL: their transcripts were written without it.

ALTER TABLE draw_entropy
    ADD COLUMN log_index bigint CHECK (log_index >= 0),
    -- The contributor's CMS signature of its entropy statement, when it signed one
    -- (expert_pool/entropy_statement.py); its SHA-256 and signer are in the log entry.
    ADD COLUMN statement_signature bytea;
