-- 0032 draw entropy: where each contribution's entry is in the transparency log, so the
-- transcript carries the log index of the commit and of every contribution and anyone
-- holding it checks their order and inclusion (issue 9, item 2; docs/formats/draw.md §7).
-- Rows of earlier contributions keep NULL: their transcripts were written without it.

ALTER TABLE draw_entropy ADD COLUMN log_index bigint CHECK (log_index >= 0);
