-- The Ethereum outbox across a chain that went back, and fee replacements (settlement/…/evm).

-- Which chain the stored transactions, cursors and deposits were read from: the hash of its block 0.
-- A node whose genesis differs is another chain (a devnet started afresh, another chain behind the
-- same id): EvmChainGuard sets the old chain's transactions aside and plans again on the new one.
CREATE TABLE chain_anchors (
  chain         text PRIMARY KEY,          -- ethereum:<chain id>
  genesis_hash  text NOT NULL,
  seen_at       timestamptz NOT NULL DEFAULT now(),
  changes       int NOT NULL DEFAULT 0     -- how often the chain behind this name was found replaced
);

-- Transactions of a chain that is gone, kept for the record (their nonces are free again on the new one).
CREATE TABLE chain_txs_superseded (
  chain         text NOT NULL,
  sender        text NOT NULL,
  nonce         bigint NOT NULL,
  escrow        text NOT NULL,
  tx_hash       text NOT NULL,
  raw_tx        text NOT NULL,
  rental_ids    text[] NOT NULL,
  state         text NOT NULL,
  created_at    timestamptz NOT NULL,
  mined_block   bigint,
  genesis_hash  text NOT NULL,              -- of the chain it was sent on
  superseded_at timestamptz NOT NULL DEFAULT now()
);

-- A settlement stuck below a risen base fee is signed again with the same nonce and higher fees:
-- tx_hash is the newest signing, replaces the earlier ones (any of which may still be the one mined).
ALTER TABLE chain_txs ADD COLUMN replaces text[] NOT NULL DEFAULT '{}';
