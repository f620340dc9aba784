-- V10's audit_head_advance refused a batch whose predecessor had moved the head but not yet committed: under READ
-- COMMITTED its UPDATE judged the head by the version its snapshot saw (the one before the predecessor's move), found
-- no match and raised, instead of waiting for the predecessor's commit. A writer with two groups in flight sends the
-- second while the first commits, so under load most second groups were refused and written again under the lock.
-- Locking the row first waits for any writer holding it and then reads the head as committed, so a batch chained to
-- the tip the predecessor leaves is accepted, and one chained to a stale tip is still refused.
CREATE OR REPLACE FUNCTION audit_head_advance(expected_seq BIGINT, expected_hash TEXT, new_seq BIGINT, new_hash TEXT)
RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE
    current_seq BIGINT;
    current_hash TEXT;
BEGIN
    SELECT seq, hash INTO current_seq, current_hash FROM audit_head WHERE id = 1 FOR UPDATE;
    IF current_seq IS DISTINCT FROM expected_seq OR current_hash IS DISTINCT FROM expected_hash THEN
        RAISE EXCEPTION 'audit chain head moved' USING ERRCODE = 'serialization_failure';
    END IF;
    UPDATE audit_head SET seq = new_seq, hash = new_hash WHERE id = 1;
END
$$;
