-- A batch of placements matched on a node's view usually finds every host with the room the view
-- said. It then takes them all without reading them first: a conditional UPDATE sent together with
-- the batch's other statements, one round trip. hosts_taken fails that statement (SQLSTATE RP409)
-- when fewer hosts were taken than asked, so the transaction holds nothing and the node decides
-- booking by booking after locking and reading the hosts.
CREATE FUNCTION hosts_taken(taken bigint, wanted bigint) RETURNS bigint AS $$
BEGIN
  IF taken <> wanted THEN
    RAISE EXCEPTION 'took % of % hosts: one no longer has the room or went offline', taken, wanted USING ERRCODE = 'RP409';
  END IF;
  RETURN taken;
END $$ LANGUAGE plpgsql;
