-- Terminal access (issue 11). The public SSH keys an account logs in with: the renter's own, and a
-- team member's for the team's bookings. A key may be registered by several accounts (public keys
-- are public: registering someone else's proves nothing and must not lock them out).
CREATE TABLE ssh_keys (
  account_id   text NOT NULL REFERENCES accounts(id),
  fingerprint  text NOT NULL,               -- SHA256:<base64 of the key blob's SHA-256>, as OpenSSH prints it
  key_type     text NOT NULL,               -- ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, …
  bits         int NOT NULL,
  public_key   text NOT NULL,               -- "<type> <base64>", no comment
  comment      text,
  added_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, fingerprint)
);
CREATE INDEX ssh_keys_fingerprint ON ssh_keys (fingerprint);

-- One row per terminal session (an SSH channel or a terminal WebSocket): written when it opens, completed
-- when it ends. Byte counts only; never content. A row without ended_at belongs to a session still open
-- or to a node that died with it.
CREATE TABLE terminal_sessions (
  id              text PRIMARY KEY,
  booking_id      text NOT NULL REFERENCES bookings(id),
  replica         int NOT NULL,
  account_id      text NOT NULL REFERENCES accounts(id),
  kind            text NOT NULL CHECK (kind IN ('shell', 'exec', 'sftp', 'forward')),
  transport       text NOT NULL CHECK (transport IN ('ssh', 'websocket')),
  client_address  text,
  node            text NOT NULL,
  host_id         text NOT NULL,
  task_id         text NOT NULL,
  started_at      timestamptz NOT NULL DEFAULT now(),
  ended_at        timestamptz,
  bytes_in        bigint NOT NULL DEFAULT 0 CHECK (bytes_in >= 0),
  bytes_out       bigint NOT NULL DEFAULT 0 CHECK (bytes_out >= 0),
  exit_code       int,
  exit_signal     text,
  end_reason      text
);
CREATE INDEX terminal_sessions_booking ON terminal_sessions (booking_id, started_at DESC, id DESC);
