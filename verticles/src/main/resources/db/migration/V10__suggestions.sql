-- Optimization suggestions (issue 14): each one served, kept by its deterministic id so that a
-- suggestion is announced once (suggestion.created) and applied at most once.
CREATE TABLE suggestions (
  id          text PRIMARY KEY,
  kind        text NOT NULL,
  booking_id  text REFERENCES bookings(id),
  host_id     text REFERENCES hosts(id),
  body        jsonb NOT NULL,                 -- the suggestion as last served: action, evidence, saving, explanation
  state       text NOT NULL DEFAULT 'OPEN' CHECK (state IN ('OPEN', 'APPLYING', 'APPLIED')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  applied_at  timestamptz,
  CHECK ((booking_id IS NULL) <> (host_id IS NULL))
);
CREATE INDEX suggestions_booking ON suggestions (booking_id) WHERE booking_id IS NOT NULL;
CREATE INDEX suggestions_host ON suggestions (host_id) WHERE host_id IS NOT NULL;

-- When each running booking was last evaluated in the background, so that one node of a cluster
-- takes each booking per interval (claimed by a conditional upsert).
CREATE TABLE suggestion_evaluations (
  booking_id    text PRIMARY KEY REFERENCES bookings(id),
  evaluated_at  timestamptz NOT NULL
);
