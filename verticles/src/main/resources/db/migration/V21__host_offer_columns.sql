-- The placement snapshot reads every online host of a currency twice a second, and a host's offer
-- (arch, drivers, GPU models, prices, payout chains) changes only when its info does.
-- info_version counts those changes, so a node decodes a host's info again only when it changed;
-- offer_currency lets the snapshot pick a currency's hosts without opening their JSON.
ALTER TABLE hosts ADD COLUMN info_version bigint NOT NULL DEFAULT 1;
ALTER TABLE hosts ADD COLUMN offer_currency text GENERATED ALWAYS AS (info->'prices'->>'currency') STORED;

CREATE FUNCTION hosts_bump_info_version() RETURNS trigger AS $$
BEGIN
  IF NEW.info IS DISTINCT FROM OLD.info THEN
    NEW.info_version := OLD.info_version + 1;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

-- fires only for statements that set info (registration, a new inventory), never for heartbeats
CREATE TRIGGER hosts_info_version BEFORE UPDATE OF info ON hosts
  FOR EACH ROW EXECUTE FUNCTION hosts_bump_info_version();
