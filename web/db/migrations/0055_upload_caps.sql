-- 0055 caps per bidder on uploads (issue 9, item 9; docs/formats/upload.md §2.5).
--
-- Creating an upload counts the organisation's uploads not in any bid (open ones, and
-- complete ones no bid part names) under a lock on its organisation row; the cleanup
-- job finds complete uploads no bid part names once their deadline has passed. These
-- indexes keep both to the rows that matter.
CREATE INDEX bid_uploads_unsubmitted_idx ON bid_uploads (bidder_id, lot_id)
    WHERE status IN ('open', 'complete');
CREATE INDEX bid_parts_upload_idx ON bid_parts (upload_id);
