-- Metering: usage samples from the hosts, the periods each task ran and each host was unreachable
-- (as the gateway saw them: its own clock, never the host's), and what each ended booking settles to.

CREATE TABLE usage_samples (
  task_id       text NOT NULL,
  seq           bigint NOT NULL,
  booking_id    text NOT NULL,
  host_id       text NOT NULL,
  at            timestamptz NOT NULL,             -- the host's sampling time (for the series only)
  cpu_seconds   double precision NOT NULL,
  memory_bytes  bigint NOT NULL,
  gpu_util      double precision,
  net_rx        bigint NOT NULL,
  net_tx        bigint NOT NULL,
  blk_read      bigint NOT NULL,
  blk_write     bigint NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (task_id, seq)
);
CREATE INDEX usage_samples_booking ON usage_samples (booking_id, at);

-- Sequence numbers that were skipped: recorded when a later one arrives, removed if the missing one comes.
CREATE TABLE usage_gaps (
  task_id      text NOT NULL,
  seq          bigint NOT NULL,
  booking_id   text NOT NULL,
  detected_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (task_id, seq)
);

ALTER TABLE booking_tasks ADD COLUMN last_seq bigint NOT NULL DEFAULT 0;
ALTER TABLE booking_tasks ADD COLUMN resumes int NOT NULL DEFAULT 0;
-- when the host removed an ended task's container or working directory (task.remove)
ALTER TABLE booking_tasks ADD COLUMN removed_at timestamptz;

-- The periods a task was RUNNING by the gateway's clock (several after pause and resume).
CREATE TABLE task_runs (
  task_id     text NOT NULL REFERENCES booking_tasks(task_id),
  started_at  timestamptz NOT NULL,
  ended_at    timestamptz,
  PRIMARY KEY (task_id, started_at)
);

-- Periods a host was offline, kept by the same trigger that counts uptime.
CREATE TABLE host_outages (
  host_id  text NOT NULL REFERENCES hosts(id),
  from_at  timestamptz NOT NULL,
  to_at    timestamptz,
  PRIMARY KEY (host_id, from_at)
);

CREATE OR REPLACE FUNCTION hosts_count_uptime() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.online THEN NEW.online_since := now(); END IF;
  ELSIF NEW.online AND NOT OLD.online THEN
    NEW.online_since := now();
    UPDATE host_outages SET to_at = now() WHERE host_id = NEW.id AND to_at IS NULL;
  ELSIF OLD.online AND NOT NEW.online THEN
    -- a silent host (swept) was last online at its last heartbeat, not when the sweeper noticed
    NEW.online_seconds := OLD.online_seconds
        + greatest(0, extract(epoch FROM least(NEW.last_seen, now()) - coalesce(OLD.online_since, OLD.registered_at)));
    NEW.online_since := NULL;
    INSERT INTO host_outages (host_id, from_at) VALUES (NEW.id, least(NEW.last_seen, now())) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

-- Bookings: what has been billed so far (never decreases), the warnings sent, and a paused booking's deadline.
ALTER TABLE bookings ADD COLUMN billed bigint NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN warned_percent int NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN metered_at timestamptz;
ALTER TABLE bookings ADD COLUMN paused_until timestamptz;

-- What an ended booking settles to, computed once from the usage ledger; the settlement issues move the money.
CREATE TABLE settlements (
  booking_id    text PRIMARY KEY REFERENCES bookings(id),
  currency      text NOT NULL,
  deposit       bigint NOT NULL,
  billed        bigint NOT NULL,
  fee           bigint NOT NULL,
  refund        bigint NOT NULL,
  host_shares   jsonb NOT NULL,
  computed_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (billed + refund = deposit AND fee <= billed AND fee >= 0 AND refund >= 0)
);
