-- A node's view reads the hosts whose offer changed since its last read twice a second. With 10,000 hosts
-- heartbeating, reading every row for it took 62 ms (most of it pruning the heartbeats' old row versions).
-- Only transactions that read's snapshot did not see can have changed a host since, and their ids are all
-- at or above the snapshot's xmin. A BRIN index keeps each heap page's lowest and highest offer_xid, so the
-- read visits only the pages holding a host changed since. Being a summarizing index, it leaves the
-- placements' updates of a host's reservations HOT (PostgreSQL 16 and later), unlike a B-tree. There is no
-- BRIN operator class for xid8, hence the bigint expression (an xid8 is a 64-bit count).
CREATE INDEX hosts_offer_xid_brin ON hosts USING brin (((offer_xid::text)::bigint)) WITH (pages_per_range = 1);
