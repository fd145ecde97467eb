-- A booking: what a renter asked for, what it costs, where it is in its life. The request is kept
-- whole (jsonb) so a reschedule or a resize can match again with the same constraints.
CREATE TABLE bookings (
  id                text PRIMARY KEY,
  account_id        text NOT NULL REFERENCES accounts(id),
  team_id           text REFERENCES teams(id),
  state             text NOT NULL,
  ending            text,                         -- the final state a STOPPING booking will reach
  reason            text,                         -- why it is in its state (always set once it ended)
  request           jsonb NOT NULL,               -- the booking request as accepted
  currency          text NOT NULL,
  payment_chain     text NOT NULL,
  price_per_hour    bigint NOT NULL CHECK (price_per_hour >= 0),
  duration_seconds  bigint NOT NULL CHECK (duration_seconds > 0),
  cost              bigint NOT NULL CHECK (cost >= 0),
  cpu_millis        bigint NOT NULL,              -- held in total, for the team quota
  memory_mb         bigint NOT NULL,
  gpus              int NOT NULL,
  payment_deadline  timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  started_at        timestamptz,
  ends_at           timestamptz,
  ended_at          timestamptz
);
CREATE INDEX bookings_account ON bookings (account_id, id);
CREATE INDEX bookings_team ON bookings (team_id, id) WHERE team_id IS NOT NULL;
CREATE INDEX bookings_live ON bookings (state) WHERE state NOT IN ('STOPPED', 'FAILED', 'EXPIRED', 'SETTLED');

-- Every state change, in order, with its reason.
CREATE TABLE booking_transitions (
  booking_id  text NOT NULL REFERENCES bookings(id),
  seq         int NOT NULL,
  from_state  text,
  to_state    text NOT NULL,
  reason      text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (booking_id, seq)
);

-- One task per placement: a replica (or a part of a split replica) on one host. A rescheduled or
-- resized part gets a new task (attempt + 1); the old one stays as history.
CREATE TABLE booking_tasks (
  task_id         text PRIMARY KEY,
  booking_id      text NOT NULL REFERENCES bookings(id),
  host_id         text NOT NULL REFERENCES hosts(id),
  replica         int NOT NULL,
  part            int NOT NULL,
  attempt         int NOT NULL,
  current         boolean NOT NULL,             -- false once replaced by a later attempt
  cpu_millis      bigint NOT NULL,
  memory_mb       bigint NOT NULL,
  storage_gb      bigint NOT NULL,
  gpus            int NOT NULL,
  gpu_model       text,
  price_per_hour  bigint NOT NULL,
  state           text NOT NULL,                -- PENDING (not yet accepted by the host), then TaskState
  exit_code       int,
  reason          text,
  ports           jsonb,
  sent_at         timestamptz,
  started_at      timestamptz,
  finished_at     timestamptz
);
CREATE INDEX booking_tasks_booking ON booking_tasks (booking_id);
CREATE INDEX booking_tasks_live_host ON booking_tasks (host_id) WHERE current AND state NOT IN ('EXITED', 'FAILED');
