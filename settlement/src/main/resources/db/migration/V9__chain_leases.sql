-- Who may submit for an operator key (one gateway node at a time): the settlement outbox claims the
-- lease in a statement of its own, renews it before every call to the chain node and first in every
-- transaction that writes, so that no transaction or connection is held across those calls.
-- name: <chain>:<sender>, e.g. ethereum:31337:0xf39f…; holder: the submitter's random id.
CREATE TABLE chain_leases (
  name    text PRIMARY KEY,
  holder  text NOT NULL,
  until   timestamptz NOT NULL
);
