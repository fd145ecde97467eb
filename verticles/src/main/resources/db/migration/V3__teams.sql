-- Teams group accounts; their bookings are visible to every member and count against the team's quota.
-- A NULL quota is unlimited. used_* is what the team's bookings hold now: it changes in the same
-- transaction that reserves or releases host capacity, by one conditional UPDATE of this row.
CREATE TABLE teams (
  id                text PRIMARY KEY,
  name              text NOT NULL,
  created_by        text NOT NULL REFERENCES accounts(id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  quota_cpu_millis  bigint CHECK (quota_cpu_millis >= 0),
  quota_memory_mb   bigint CHECK (quota_memory_mb >= 0),
  quota_gpus        int CHECK (quota_gpus >= 0),
  used_cpu_millis   bigint NOT NULL DEFAULT 0 CHECK (used_cpu_millis >= 0),
  used_memory_mb    bigint NOT NULL DEFAULT 0 CHECK (used_memory_mb >= 0),
  used_gpus         int NOT NULL DEFAULT 0 CHECK (used_gpus >= 0),
  CHECK (quota_cpu_millis IS NULL OR used_cpu_millis <= quota_cpu_millis),
  CHECK (quota_memory_mb IS NULL OR used_memory_mb <= quota_memory_mb),
  CHECK (quota_gpus IS NULL OR used_gpus <= quota_gpus)
);

CREATE TABLE team_members (
  team_id     text NOT NULL REFERENCES teams(id),
  account_id  text NOT NULL REFERENCES accounts(id),
  role        text NOT NULL CHECK (role IN ('owner', 'member')),
  added_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (team_id, account_id)
);
CREATE INDEX team_members_account ON team_members (account_id);
