-- Extending a booking paid through an escrow: the renter tops each deposit up on chain; the
-- booking gets its extra time once every deposit holds its part (read from confirmed ToppedUp logs).

CREATE TABLE booking_extensions (
  booking_id    text PRIMARY KEY REFERENCES bookings(id),
  seconds       bigint NOT NULL CHECK (seconds > 0),  -- added to the booking's duration once paid
  cost          bigint NOT NULL CHECK (cost >= 0),    -- the booking's cost (deposit) once paid
  requested_at  timestamptz NOT NULL DEFAULT now()
);

-- What each deposit must gain (and the expiry it must reach) for a pending extension.
ALTER TABLE deposits ADD COLUMN topup_amount bigint CHECK (topup_amount > 0);
ALTER TABLE deposits ADD COLUMN topup_expires_at timestamptz;
