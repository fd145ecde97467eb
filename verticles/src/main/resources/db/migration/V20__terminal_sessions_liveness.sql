-- Terminal sessions of a node that died (kill -9, OOM, a lost machine) used to stay without an end forever.
-- Each node now stamps its open sessions (and their byte counts so far) every few seconds; a row whose
-- stamp has gone stale is ended by any node at its last stamp, and a node starting again under the
-- same id ends what it left open.
ALTER TABLE terminal_sessions ADD COLUMN seen_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX terminal_sessions_open ON terminal_sessions (seen_at) WHERE ended_at IS NULL;
