-- What each booking holds on each host. The hosts' reserved_* columns are the sums of these rows;
-- both change in the same transaction.
CREATE TABLE reservations (
  booking_id   text NOT NULL,
  host_id      text NOT NULL REFERENCES hosts(id),
  cpu_millis   bigint NOT NULL CHECK (cpu_millis >= 0),
  memory_mb    bigint NOT NULL CHECK (memory_mb >= 0),
  storage_gb   bigint NOT NULL CHECK (storage_gb >= 0),
  gpus         int NOT NULL CHECK (gpus >= 0),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (booking_id, host_id)
);
CREATE INDEX reservations_host ON reservations (host_id);
