-- 0002: append to the transparency log in one round trip, hashing in the database.
--
-- The head row lock serialises appends until commit; doing the whole append in one
-- call keeps that critical section to a single round trip. Each statement of a
-- volatile PL/pgSQL function takes a fresh snapshot under READ COMMITTED, so after
-- waiting for the lock it sees the nodes the previous holder committed.
-- The hashing is RFC 9162's (leaf = SHA-256(0x00 || entry), node = SHA-256(0x01 ||
-- left || right)); audit/merkle.py is the reference, and tests check the two agree.
CREATE FUNCTION log_append(entries bytea[], kinds text[]) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    first_index bigint;
    next_size bigint;
    current_hash bytea;
    sibling bytea;
    lvl int;
BEGIN
    IF cardinality(entries) = 0 OR cardinality(entries) <> cardinality(kinds) THEN
        RAISE EXCEPTION 'log_append needs as many kinds as entries, at least one'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT size INTO first_index FROM log_head FOR UPDATE;
    next_size := first_index;
    FOR i IN 1 .. cardinality(entries) LOOP
        INSERT INTO log_entries (idx, entry, kind) VALUES (next_size, entries[i], kinds[i]);
        current_hash := sha256('\x00'::bytea || entries[i]);
        INSERT INTO log_nodes (level, idx, hash) VALUES (0, next_size, current_hash);
        next_size := next_size + 1;
        lvl := 1;
        -- Every aligned subtree the new leaf completes: its left child is older.
        WHILE next_size % (1::bigint << lvl) = 0 LOOP
            SELECT hash INTO STRICT sibling FROM log_nodes
            WHERE level = lvl - 1 AND idx = (next_size >> (lvl - 1)) - 2;
            current_hash := sha256('\x01'::bytea || sibling || current_hash);
            INSERT INTO log_nodes (level, idx, hash)
            VALUES (lvl, (next_size >> lvl) - 1, current_hash);
            lvl := lvl + 1;
        END LOOP;
    END LOOP;
    UPDATE log_head SET size = next_size;
    RETURN first_index;
END
$$;
