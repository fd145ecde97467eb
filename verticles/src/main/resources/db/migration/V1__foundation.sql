-- Accounts sign in with a wallet; a wallet belongs to exactly one account.
CREATE TABLE accounts (
  id          text PRIMARY KEY,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE wallets (
  chain       text NOT NULL CHECK (chain IN ('ethereum', 'solana')),
  address     text NOT NULL,
  account_id  text NOT NULL REFERENCES accounts(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chain, address)
);
CREATE INDEX wallets_account ON wallets (account_id);

-- Only a hash of the secret is kept.
CREATE TABLE api_keys (
  id           text PRIMARY KEY,
  account_id   text NOT NULL REFERENCES accounts(id),
  name         text NOT NULL,
  secret_hash  bytea NOT NULL,
  roles        text[] NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);
CREATE INDEX api_keys_account ON api_keys (account_id);

-- Cluster-wide secrets generated on first start (e.g. the JWT signing key), so every node agrees.
CREATE TABLE cluster_secrets (
  name        text PRIMARY KEY,
  secret      bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE hosts (
  id                   text PRIMARY KEY,          -- base58 ed25519 public key
  region               text NOT NULL,
  info                 jsonb NOT NULL,            -- HostInfo as last declared
  cpu_millis           bigint NOT NULL CHECK (cpu_millis >= 0),
  memory_mb            bigint NOT NULL CHECK (memory_mb >= 0),
  storage_gb           bigint NOT NULL CHECK (storage_gb >= 0),
  gpus                 int NOT NULL CHECK (gpus >= 0),
  gpu_models           text[] NOT NULL,           -- lower-case, for filtering
  payout_ethereum      text,
  payout_solana        text,
  reserved_cpu_millis  bigint NOT NULL DEFAULT 0 CHECK (reserved_cpu_millis >= 0 AND reserved_cpu_millis <= cpu_millis),
  reserved_memory_mb   bigint NOT NULL DEFAULT 0 CHECK (reserved_memory_mb >= 0 AND reserved_memory_mb <= memory_mb),
  reserved_storage_gb  bigint NOT NULL DEFAULT 0 CHECK (reserved_storage_gb >= 0 AND reserved_storage_gb <= storage_gb),
  reserved_gpus        int NOT NULL DEFAULT 0 CHECK (reserved_gpus >= 0 AND reserved_gpus <= gpus),
  online               boolean NOT NULL,
  session_id           text,                      -- the control connection currently speaking for the host
  node                 text,                      -- the gateway node holding that connection
  last_seen            timestamptz NOT NULL,
  registered_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hosts_online_last_seen ON hosts (last_seen) WHERE online;
CREATE INDEX hosts_payout_ethereum ON hosts (payout_ethereum);
CREATE INDEX hosts_payout_solana ON hosts (payout_solana);

-- Events are persisted so a subscriber reconnecting with lastEventId misses nothing. The counter row
-- is locked by each append until commit, so ids become visible in order, without gaps.
CREATE TABLE event_streams (
  stream    text PRIMARY KEY,
  last_id   bigint NOT NULL
);

CREATE TABLE events (
  stream      text NOT NULL,
  id          bigint NOT NULL,
  type        text NOT NULL,
  data        jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stream, id)
);
