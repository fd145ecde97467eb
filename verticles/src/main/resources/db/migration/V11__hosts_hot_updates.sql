-- Heartbeats write hosts.last_seen for every host every few seconds. An index on last_seen made each
-- of those writes a non-HOT update (a new index entry per heartbeat, the table and index bloating
-- under a fleet); the offline sweep reads every online host's last_seen anyway (a sequential scan
-- of the hosts table, a few milliseconds at 20k hosts). Room left in each page lets the updated row
-- stay on its page.
DROP INDEX IF EXISTS hosts_online_last_seen;
ALTER TABLE hosts SET (fillfactor = 70);
