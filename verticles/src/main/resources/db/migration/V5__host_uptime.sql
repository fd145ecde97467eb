-- Uptime: how much of its registered life a host has been online. Kept by a trigger, so every path
-- that turns a host on or off (registration, disconnect, the sweeper, a stopping node) counts it.
ALTER TABLE hosts ADD COLUMN online_since timestamptz;
ALTER TABLE hosts ADD COLUMN online_seconds double precision NOT NULL DEFAULT 0;
UPDATE hosts SET online_since = last_seen WHERE online;

CREATE FUNCTION hosts_count_uptime() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.online THEN NEW.online_since := now(); END IF;
  ELSIF NEW.online AND NOT OLD.online THEN
    NEW.online_since := now();
  ELSIF OLD.online AND NOT NEW.online THEN
    -- a silent host (swept) was last online at its last heartbeat, not when the sweeper noticed
    NEW.online_seconds := OLD.online_seconds
        + greatest(0, extract(epoch FROM least(NEW.last_seen, now()) - coalesce(OLD.online_since, OLD.registered_at)));
    NEW.online_since := NULL;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER hosts_uptime BEFORE INSERT OR UPDATE OF online ON hosts
  FOR EACH ROW EXECUTE FUNCTION hosts_count_uptime();
