package io.respool.bookings;

/**
 * How a booking gets paid for. The settlement issues fill this port with on-chain escrow (the
 * renter funds it, the gateway confirms, then calls {@link BookingService#funded}); until then a
 * booking waits in PENDING_PAYMENT and expires at its deadline — unless the operator explicitly
 * runs the gateway with unpaid bookings enabled.
 */
public interface PaymentPort {
  /** Whether a new booking skips payment (the operator's choice; off by default). */
  boolean waived();

  /** The reason recorded when a booking skips payment. */
  String waiverReason();

  /** The port as configured: unpaid bookings allowed or not. */
  static PaymentPort unpaidBookings(boolean allowed) {
    return new PaymentPort() {
      @Override
      public boolean waived() { return allowed; }

      @Override
      public String waiverReason() { return "unpaid bookings are enabled by the operator"; }
    };
  }
}
