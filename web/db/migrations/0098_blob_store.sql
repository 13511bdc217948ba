-- 0098 the blob store in PostgreSQL (issue 17, item 7: several nodes, PostgreSQL the
-- only shared engine; tender/blobs/pgstore.py, ETENDER_BLOB_STORE=postgres).
--
-- The same content-addressed store as the local directory (tender/blobs/store.py): a
-- committed blob is named by the SHA-256 of its bytes, never changes and is deleted only
-- when no row names it (tender/blobs/queries.py). Its bytes are rows of at most 1 MiB
-- (blob_chunks), so a blob is written and read a chunk at a time, never whole in memory,
-- and one base backup + the WAL archive holds every bid and document with the rows
-- that name them.
--
-- Bytes belong to a "content" (an id): a staged write appends chunks to its content, and
-- committing names the content by its hash (blob_objects) in one statement — no bytes are
-- copied. Two writers of the same bytes race on blob_objects' key: the loser's content is
-- dropped (its bytes are the winner's by their name).

CREATE TABLE blob_contents (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE blob_chunks (
    content_id bigint NOT NULL REFERENCES blob_contents ON DELETE CASCADE,
    seq integer NOT NULL CHECK (seq >= 0),
    data bytea NOT NULL CHECK (octet_length(data) BETWEEN 1 AND 1048576),
    PRIMARY KEY (content_id, seq)
);
-- Ciphertext does not compress: store the chunks out of line without trying (TOAST).
ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- A committed blob: its name, size and bytes.
CREATE TABLE blob_objects (
    sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content_id bigint NOT NULL UNIQUE REFERENCES blob_contents,
    size bigint NOT NULL CHECK (size >= 0),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A staged write (resumable): its bytes so far are its content's chunks.
CREATE TABLE blob_staging (
    staging_id text PRIMARY KEY CHECK (staging_id ~ '^[A-Za-z0-9_-]{8,64}$'),
    content_id bigint NOT NULL UNIQUE REFERENCES blob_contents ON DELETE CASCADE,
    touched_at timestamptz NOT NULL DEFAULT now()
);
