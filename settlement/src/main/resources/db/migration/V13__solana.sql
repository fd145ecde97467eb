-- Solana settlement (settlement/…/solana): the same deposits, outbox and cursors as Ethereum, with
-- what Solana needs on top. Chain name: solana:<program id>.

-- The watcher reads the program's transactions newest-first back to the last one it applied: the
-- cursor of a Solana program is that transaction's signature (next_block holds its slot + 1).
ALTER TABLE chain_cursors ADD COLUMN last_signature text;

-- A Solana transaction is valid until its blockhash expires: once the chain's block height is past
-- last_valid_height and the transaction was never seen, it can no longer land (DROPPED), and only
-- then are its deposits signed into a new one. Solana has no nonces: nonce numbers the operator's
-- transactions in the outbox (the primary key), nothing more.
ALTER TABLE chain_txs ADD COLUMN last_valid_height bigint;
