-- 0065 the body a client id stands for (issue 11, "Bad input": a replayed client id with
-- a different body is refused).
--
-- A command's first event keeps the client's id (client_msg_id) and now the SHA-256 of
-- the command's type and data as the server read them (live.model.command_digest). A
-- command sent again with that id is answered as the first time only if its digest is
-- the same; with another body it is refused (live_command_id_conflict) and changes
-- nothing (docs/live-sessions.md, "Commands"). Events stored before this migration have
-- no digest: a retry of their ids is answered as before.

ALTER TABLE live_events
    ADD COLUMN command_sha256 text,
    ADD CONSTRAINT live_events_command_sha256_check CHECK (
        command_sha256 IS NULL
        OR (client_msg_id IS NOT NULL AND command_sha256 ~ '^[0-9a-f]{64}$')
    );
