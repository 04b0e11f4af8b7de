-- Each recruitd process keeps the staff keys it has checked for up to a second
-- (store/auth.c). A key revoked or deleted, by recruitctl or by hand, is announced on
-- the channel recruitd_staff_keys when its transaction commits, and every process
-- listening forgets what it kept at once; the second is the bound when a notice is lost.
CREATE FUNCTION staff_keys_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('recruitd_staff_keys', OLD.key_id);
    RETURN NULL;
END;
$$;
CREATE TRIGGER staff_keys_changed AFTER UPDATE OR DELETE ON staff_keys
    FOR EACH ROW EXECUTE FUNCTION staff_keys_changed();
