-- On-chain deposits: a booking paid through an escrow has one deposit per host it runs on (the
-- contract pays one host per rental). The settlement adapters fill them in; the usage ledger turns
-- them into settlement intents in the transaction that ends the booking (the outbox).

CREATE TABLE deposits (
  booking_id     text NOT NULL REFERENCES bookings(id),
  host_id        text NOT NULL REFERENCES hosts(id),
  chain          text NOT NULL,                 -- e.g. ethereum:31337 (the chain id)
  escrow         text NOT NULL,                 -- the escrow contract (lower-case 0x address)
  rental_id      text NOT NULL UNIQUE,          -- 0x + 64 hex: the id the renter opens the rental with
  payee          text NOT NULL,                 -- the host's payout address, the only one the rental may pay
  amount         bigint NOT NULL CHECK (amount > 0),   -- minor units the rental must hold
  expires_at     timestamptz NOT NULL,          -- the earliest expiry the renter may choose
  -- AWAITING: not opened yet; UNDERFUNDED: opened with less than amount (a top-up can mend it);
  -- REJECTED: opened with terms the gateway cannot accept (note says why); OPEN: funded;
  -- SETTLING: the settlement intent (used, fee, host_amount, refund) waits to be confirmed on chain;
  -- SETTLED / RECLAIMED: final, as the chain says
  state          text NOT NULL CHECK (state IN ('AWAITING', 'UNDERFUNDED', 'REJECTED', 'OPEN', 'SETTLING', 'SETTLED', 'RECLAIMED')),
  note           text,
  renter         text,
  deposited      bigint,                        -- what the rental holds (Opened + top-ups)
  opened_tx      text,
  opened_block   bigint,
  used           bigint,
  fee            bigint,
  host_amount    bigint,
  refund         bigint,
  intent_at      timestamptz,
  settle_tx      text,
  settled_block  bigint,
  settled_at     timestamptz,
  attempts       int NOT NULL DEFAULT 0,        -- settlement transactions that did not settle it
  next_attempt_at timestamptz,
  PRIMARY KEY (booking_id, host_id),
  CHECK (used IS NULL OR (used >= 0 AND fee >= 0 AND host_amount >= 0 AND refund >= 0 AND used = fee + host_amount))
);
CREATE INDEX deposits_settling ON deposits (chain, intent_at) WHERE state = 'SETTLING';

-- The operator's transactions, one row per nonce: signed and stored before they are sent, so a
-- restart resends the very same transaction instead of signing another.
CREATE TABLE chain_txs (
  chain         text NOT NULL,
  sender        text NOT NULL,
  nonce         bigint NOT NULL,
  escrow        text NOT NULL,
  tx_hash       text NOT NULL UNIQUE,
  raw_tx        text NOT NULL,
  rental_ids    text[] NOT NULL,
  state         text NOT NULL CHECK (state IN ('SENT', 'MINED', 'REVERTED', 'DROPPED')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  sent_at       timestamptz,                    -- the last time the node accepted it
  broadcasts    int NOT NULL DEFAULT 0,
  last_error    text,
  mined_block   bigint,
  PRIMARY KEY (chain, sender, nonce)
);
CREATE INDEX chain_txs_sent ON chain_txs (chain, sender) WHERE state = 'SENT';

-- How far each escrow's logs have been read (the next block to read), per chain (ethereum:<chain id>).
CREATE TABLE chain_cursors (
  chain       text NOT NULL,
  escrow      text NOT NULL,
  next_block  bigint NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chain, escrow)
);
