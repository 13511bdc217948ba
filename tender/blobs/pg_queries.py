"""SQL of the blob store in PostgreSQL (tender/blobs/pgstore.py; tables: 0098_blob_store.sql)."""

from __future__ import annotations

NEW_CONTENT = "INSERT INTO blob_contents DEFAULT VALUES RETURNING id"

STAGE = """
INSERT INTO blob_staging (staging_id, content_id) VALUES ($1, $2)
ON CONFLICT (staging_id) DO NOTHING
RETURNING true
"""

STAGED_CONTENT = "SELECT content_id FROM blob_staging WHERE staging_id = $1"

# The chunk and the staging row's touch in one statement (one commit per chunk).
APPEND_CHUNK = """
WITH touched AS (UPDATE blob_staging SET touched_at = now() WHERE content_id = $1)
INSERT INTO blob_chunks (content_id, seq, data) VALUES ($1, $2, $3)
"""

CHUNK = "SELECT data FROM blob_chunks WHERE content_id = $1 AND seq = $2"

# Resuming a staged upload at its committed offset (tender/blobs/pgrows.py).
CHUNK_SIZES = """
SELECT seq, octet_length(data) AS length FROM blob_chunks WHERE content_id = $1 ORDER BY seq
"""
CUT_CHUNK = """
UPDATE blob_chunks SET data = substring(data FROM 1 FOR $3) WHERE content_id = $1 AND seq = $2
"""
DROP_CHUNKS_FROM = "DELETE FROM blob_chunks WHERE content_id = $1 AND seq >= $2"

UNSTAGE = "DELETE FROM blob_staging WHERE content_id = $1"

# Deleting a content deletes its chunks and a staging row (ON DELETE CASCADE).
DROP_CONTENT = "DELETE FROM blob_contents WHERE id = $1"

DROP_STAGED = """
DELETE FROM blob_contents
WHERE id = (SELECT content_id FROM blob_staging WHERE staging_id = $1)
RETURNING id
"""

OBJECT = "SELECT content_id, size FROM blob_objects WHERE sha256 = $1"

LOCK_OBJECT = "SELECT true FROM blob_objects WHERE sha256 = $1 FOR KEY SHARE"

LOCK_OBJECT_FOR_DELETE = "SELECT content_id FROM blob_objects WHERE sha256 = $1 FOR UPDATE"

NAME_CONTENT = """
INSERT INTO blob_objects (sha256, content_id, size) VALUES ($1, $2, $3)
ON CONFLICT (sha256) DO NOTHING
RETURNING true
"""

DELETE_OBJECT = "DELETE FROM blob_objects WHERE sha256 = $1"

# Staged writes nobody can resume (docs/formats/upload.md §2.4, "orphaned staging"):
# untouched for the orphan age by the database clock, and no open upload names them
# (an upload's staging row is made in the transaction that records it; a finished or
# abandoned upload never writes again). Rows taken SKIP LOCKED: several nodes share them.
SWEEP_STAGED = """
DELETE FROM blob_contents c USING (
    SELECT s.content_id FROM blob_staging s
    WHERE s.touched_at < now() - $1::interval
      AND NOT EXISTS (SELECT 1 FROM bid_uploads u
                      WHERE u.staging_id = s.staging_id AND u.status = 'open')
    ORDER BY s.touched_at LIMIT $2
    FOR UPDATE OF s SKIP LOCKED
) gone
WHERE c.id = gone.content_id
RETURNING c.id
"""
