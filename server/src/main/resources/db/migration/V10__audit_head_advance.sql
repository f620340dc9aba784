-- Moves the chain's head past a batch appended by a writer that knew the head beforehand, in the same statement as
-- the batch's insert: one round trip for the whole group commit instead of a read of the head, then the insert.
-- If another writer moved the head in the meantime, the batch was chained to a stale tip: the statement, and so its
-- transaction, fails with serialization_failure, and the writer appends again under the head's lock.
CREATE FUNCTION audit_head_advance(expected_seq BIGINT, expected_hash TEXT, new_seq BIGINT, new_hash TEXT)
RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
    UPDATE audit_head SET seq = new_seq, hash = new_hash
     WHERE id = 1 AND seq = expected_seq AND hash = expected_hash;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'audit chain head moved' USING ERRCODE = 'serialization_failure';
    END IF;
END
$$;
