-- A node's view of the offers is read again twice a second; with 10,000 hosts reading all of them
-- each time cost PostgreSQL 44-133 ms. offer_xid is the transaction that last changed what a
-- host offers (capacity, reservations, info, online), so a node reads only the hosts changed
-- since its last read: those whose offer_xid its last read's snapshot did not see
-- (pg_visible_in_snapshot), which also catches transactions that were running then and committed
-- later. Heartbeats set only last_seen and leave it alone.
ALTER TABLE hosts ADD COLUMN offer_xid xid8 NOT NULL DEFAULT pg_current_xact_id();

CREATE FUNCTION hosts_offer_changed() RETURNS trigger AS $$
BEGIN
  NEW.offer_xid := pg_current_xact_id();
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER hosts_offer_xid BEFORE UPDATE OF region, info, cpu_millis, memory_mb, storage_gb, gpus,
    reserved_cpu_millis, reserved_memory_mb, reserved_storage_gb, reserved_gpus, online, online_seconds, online_since, registered_at
  ON hosts FOR EACH ROW EXECUTE FUNCTION hosts_offer_changed();
