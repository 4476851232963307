-- +goose Up
-- Every process keeps sessions, routing rules, units, categories, SLA policies
-- and the working calendar in memory (core/cache.go). A change to one of them
-- is announced on the channel hotline_changes, with the name of what changed
-- as the payload, when its transaction commits; each process then drops what
-- it holds of it. Triggers rather than the code that writes, so that no
-- writer (an admin page, the API, a script in psql) can forget to announce.
-- +goose StatementBegin
CREATE FUNCTION hotline_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hotline_changes', TG_ARGV[0]);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- a session ends (logout, revoked, capped, purged) or changes kind; a
-- touch of last_seen is not announced
CREATE TRIGGER sessions_announce AFTER UPDATE OF revoked_at, kind, expires_at, user_id OR DELETE OR TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION hotline_announce_change('sessions');
-- a user deactivated, given another role, unit or password: their sessions' viewers change
CREATE TRIGGER users_announce AFTER UPDATE OR DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION hotline_announce_change('sessions');
CREATE TRIGGER routing_rules_announce AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON routing_rules
    FOR EACH STATEMENT EXECUTE FUNCTION hotline_announce_change('rules');
CREATE TRIGGER units_announce AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION hotline_announce_change('units');
CREATE TRIGGER categories_announce AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION hotline_announce_change('categories');
CREATE TRIGGER sla_policies_announce AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sla_policies
    FOR EACH STATEMENT EXECUTE FUNCTION hotline_announce_change('sla');
CREATE TRIGGER calendar_days_announce AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_days
    FOR EACH STATEMENT EXECUTE FUNCTION hotline_announce_change('calendar');

-- +goose Down
DROP TRIGGER calendar_days_announce ON calendar_days;
DROP TRIGGER sla_policies_announce ON sla_policies;
DROP TRIGGER categories_announce ON categories;
DROP TRIGGER units_announce ON units;
DROP TRIGGER routing_rules_announce ON routing_rules;
DROP TRIGGER users_announce ON users;
DROP TRIGGER sessions_announce ON sessions;
DROP FUNCTION hotline_announce_change();
