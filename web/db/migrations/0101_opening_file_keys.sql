-- 0101 the opened files become a derived copy (issue 17, item 1; DESIGN.md "Opening";
-- docs/formats/opening.md §5): the durable truth of an opened part is its frozen
-- ciphertext (the blob store) and the file key that opened it, kept here. The opened
-- files are checked against the manifest when read and re-derived from these two when
-- missing or damaged, so the opening no longer fsyncs them before the results commit.
-- The key is written in the transaction that settles the part and is never served by
-- any API; the log holds only its SHA-256 (tender.opening_part_settled).
ALTER TABLE opening_results
    ADD COLUMN file_key bytea CHECK (length(file_key) = 16),
    -- Rows of openings before this migration have no key (their files were fsynced).
    ADD CONSTRAINT opening_results_file_key_opened CHECK (outcome = 'opened' OR file_key IS NULL);
