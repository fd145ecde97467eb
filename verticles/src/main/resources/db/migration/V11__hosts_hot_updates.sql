-- Heartbeats write hosts.last_seen for every host every few seconds. An index on last_seen made each
-- of those writes a non-HOT update (a new index entry per heartbeat, the table and index bloating
-- under a fleet); the offline sweep reads every online host's last_seen anyway (a sequential scan
-- of the hosts table, a few milliseconds at 20k hosts). Room left in each page lets the updated row
-- stay on its page.
DROP INDEX IF EXISTS hosts_online_last_seen;
ALTER TABLE hosts SET (fillfactor = 70);

-- booking.cost events (one per running booking per meter interval) are kept for a retention
-- period only (Metering.forgetOldCosts); this index finds the old ones without reading the rest.
CREATE INDEX events_cost_created ON events (created_at) WHERE type = 'booking.cost';
