-- Issue 15 (4): amounts beyond 2^63 base units (more than ~9.2 ETH in wei) work end to end.
-- Every column holding money in minor units becomes NUMERIC(78,0): exact integers up to a uint256
-- (78 digits), so any amount an EVM contract can hold fits. Existing values convert exactly; the
-- CHECK constraints keep working on numeric. Prices per hour stay bigint (a price beyond 9.2e18
-- base units per hour is refused at the edge); costs (price x time) are what grows past it.
ALTER TABLE bookings
  ALTER COLUMN cost TYPE numeric(78, 0),
  ALTER COLUMN billed TYPE numeric(78, 0);

ALTER TABLE booking_extensions
  ALTER COLUMN cost TYPE numeric(78, 0);

ALTER TABLE settlements
  ALTER COLUMN deposit TYPE numeric(78, 0),
  ALTER COLUMN billed TYPE numeric(78, 0),
  ALTER COLUMN fee TYPE numeric(78, 0),
  ALTER COLUMN refund TYPE numeric(78, 0);

ALTER TABLE deposits
  ALTER COLUMN amount TYPE numeric(78, 0),
  ALTER COLUMN deposited TYPE numeric(78, 0),
  ALTER COLUMN used TYPE numeric(78, 0),
  ALTER COLUMN fee TYPE numeric(78, 0),
  ALTER COLUMN host_amount TYPE numeric(78, 0),
  ALTER COLUMN refund TYPE numeric(78, 0),
  ALTER COLUMN topup_amount TYPE numeric(78, 0);
