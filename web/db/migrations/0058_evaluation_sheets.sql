-- 0058 evaluation sheets: sealed findings, their reveal, revisions, deviations and
-- factual errors (issue 11 items 4–5; DESIGN.md, "Blind scoring";
-- docs/formats/evaluation-sheet.md).
--
-- Until the reveal a row holds only the sheet's commitment (SHA-256 of its canonical
-- bytes, salted), its ChaCha20-Poly1305 ciphertext, nonce and the member's CMS
-- signature: never a score. `plaintext` and `revealed_key` are filled at the reveal,
-- once (a trigger refuses any later change), and the database itself checks that the
-- plaintext hashes to the commitment. A CHECK cannot see the session's phase, so the
-- service guarantees that no plaintext is written before the reveal phase (tested).
-- Every version is kept: the application may not delete a row, and may update only the
-- reveal columns and `void` (a replaced or absent member's findings).
--
-- The tables reference live_sessions (an evaluation session's id IS its live session's
-- id), so they do not depend on the session core's own table.

CREATE TABLE evaluation_sheets (
    session_id uuid NOT NULL REFERENCES live_sessions (id),
    phase text NOT NULL CHECK (phase IN ('qualification', 'scoring', 'adjustment')),
    seat integer NOT NULL CHECK (seat >= 1),
    generation integer NOT NULL CHECK (generation >= 1),
    version integer NOT NULL CHECK (version >= 1),
    -- sealed: submitted before the reveal; revision: a new version after it, in the clear.
    kind text NOT NULL CHECK (kind IN ('sealed', 'revision')),
    commitment bytea NOT NULL CHECK (length(commitment) = 32),
    nonce bytea CHECK (length(nonce) = 12),
    -- 1 MiB at most (signing.sheets.MAX_CIPHERTEXT); at least the 16-byte tag.
    ciphertext bytea CHECK (length(ciphertext) BETWEEN 17 AND 1048576),
    signature bytea NOT NULL CHECK (length(signature) BETWEEN 1 AND 65536),
    -- The member's registered certificate that signed it (accounts: user_certificates).
    signer_cert_sha256 text NOT NULL CHECK (signer_cert_sha256 ~ '^[0-9a-f]{64}$'),
    submitted_at timestamptz NOT NULL,
    revealed_key bytea CHECK (length(revealed_key) = 32),
    plaintext bytea CHECK (length(plaintext) BETWEEN 2 AND 1048560),
    revealed_at timestamptz,
    void boolean NOT NULL DEFAULT false,
    -- A revision's reasons: [{"bid", "item", "reason"}], one per changed entry.
    reasons jsonb CHECK (jsonb_typeof(reasons) = 'array'),
    PRIMARY KEY (session_id, phase, seat, generation, version),
    CHECK (
        (kind = 'sealed' AND nonce IS NOT NULL AND ciphertext IS NOT NULL AND reasons IS NULL
         AND (revealed_key IS NULL) = (plaintext IS NULL))
        OR (kind = 'revision' AND nonce IS NULL AND ciphertext IS NULL AND revealed_key IS NULL
            AND plaintext IS NOT NULL AND reasons IS NOT NULL AND version > 1)
    ),
    CHECK ((revealed_at IS NULL) = (plaintext IS NULL)),
    CHECK (plaintext IS NULL OR sha256(plaintext) = commitment)
);

-- One revealed sealed version per member and phase: the latest one submitted.
CREATE UNIQUE INDEX evaluation_sheets_one_reveal_idx
    ON evaluation_sheets (session_id, phase, seat, generation)
    WHERE kind = 'sealed' AND revealed_at IS NOT NULL;

-- What a row may become: revealed once, voided once; nothing else ever changes.
CREATE FUNCTION evaluation_sheets_write_once() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF (NEW.session_id, NEW.phase, NEW.seat, NEW.generation, NEW.version, NEW.kind,
        NEW.commitment, NEW.nonce, NEW.ciphertext, NEW.signature, NEW.signer_cert_sha256,
        NEW.submitted_at, NEW.reasons)
       IS DISTINCT FROM
       (OLD.session_id, OLD.phase, OLD.seat, OLD.generation, OLD.version, OLD.kind,
        OLD.commitment, OLD.nonce, OLD.ciphertext, OLD.signature, OLD.signer_cert_sha256,
        OLD.submitted_at, OLD.reasons) THEN
        RAISE EXCEPTION 'a submitted sheet never changes' USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.revealed_at IS NOT NULL AND (NEW.revealed_key, NEW.plaintext, NEW.revealed_at)
       IS DISTINCT FROM (OLD.revealed_key, OLD.plaintext, OLD.revealed_at) THEN
        RAISE EXCEPTION 'a sheet is revealed once' USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.void AND NOT NEW.void THEN
        RAISE EXCEPTION 'void findings stay void' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER evaluation_sheets_write_once BEFORE UPDATE ON evaluation_sheets
    FOR EACH ROW EXECUTE FUNCTION evaluation_sheets_write_once();

-- The items the deviation review flagged once every sheet of the phase was revealed:
-- a value more than the policy's percentage from the mean of the others (DOMAIN.md,
-- "Evaluation"); each is explained in writing or revised before the phase ends.
CREATE TABLE evaluation_deviations (
    session_id uuid NOT NULL REFERENCES live_sessions (id),
    phase text NOT NULL CHECK (phase IN ('qualification', 'scoring', 'adjustment')),
    seat integer NOT NULL CHECK (seat >= 1),
    generation integer NOT NULL CHECK (generation >= 1),
    bid uuid NOT NULL,
    item text NOT NULL CHECK (item ~ '^[A-Za-z0-9_-]{1,32}(\.[A-Za-z0-9_-]{1,32}){0,3}$'),
    flagged_at timestamptz NOT NULL,
    PRIMARY KEY (session_id, phase, seat, generation, bid, item)
);

-- A member's written explanation of a flagged item (one each; part of the report).
CREATE TABLE evaluation_explanations (
    session_id uuid NOT NULL,
    phase text NOT NULL,
    seat integer NOT NULL,
    generation integer NOT NULL,
    bid uuid NOT NULL,
    item text NOT NULL,
    text text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    explained_at timestamptz NOT NULL,
    PRIMARY KEY (session_id, phase, seat, generation, bid, item),
    FOREIGN KEY (session_id, phase, seat, generation, bid, item)
        REFERENCES evaluation_deviations (session_id, phase, seat, generation, bid, item)
);

-- A factual error in a member's revealed sheet, recorded by the chair: it lets that
-- member revise that item; open until a revision gives it a reason (resolved_version).
CREATE TABLE evaluation_factual_errors (
    session_id uuid NOT NULL REFERENCES live_sessions (id),
    phase text NOT NULL CHECK (phase IN ('qualification', 'scoring', 'adjustment')),
    seat integer NOT NULL CHECK (seat >= 1),
    generation integer NOT NULL CHECK (generation >= 1),
    bid uuid NOT NULL,
    item text NOT NULL CHECK (item ~ '^[A-Za-z0-9_-]{1,32}(\.[A-Za-z0-9_-]{1,32}){0,3}$'),
    text text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    recorded_by_seat integer NOT NULL CHECK (recorded_by_seat >= 1),
    recorded_at timestamptz NOT NULL,
    resolved_version integer CHECK (resolved_version > 1),
    PRIMARY KEY (session_id, phase, seat, generation, bid, item)
);

-- 0001's default privileges gave etender_app every table; take back what no service
-- does: deleting or rewriting findings (DESIGN.md, trust model 5 and 6).
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'etender_app') THEN
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON evaluation_sheets, evaluation_deviations, '
                'evaluation_explanations, evaluation_factual_errors FROM etender_app';
        EXECUTE 'GRANT UPDATE (revealed_key, plaintext, revealed_at, void) '
                'ON evaluation_sheets TO etender_app';
        EXECUTE 'GRANT UPDATE (resolved_version) ON evaluation_factual_errors TO etender_app';
    END IF;
END
$$;
