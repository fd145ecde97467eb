package io.respool.bookings;

import io.respool.infra.Addresses;
import io.respool.infra.Messages;
import io.respool.protocol.api.Bookings;
import io.respool.protocol.task.TaskStatus;
import io.respool.protocol.task.UsageSample;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/**
 * The typed client of the bookings' verticles on this node (placement, dispatch, metering): what
 * the HTTP edge and the host connections send them, as records on local addresses.
 */
public final class BookingsBus {
  public record PlaceBooking(String accountId, Bookings.CreateRequest request) {}

  public record TaskReport(String hostId, TaskStatus status) {}

  public record UsageFrame(String hostId, List<UsageSample> samples) {}

  private final EventBus bus;

  public BookingsBus(EventBus bus) {
    this.bus = bus;
    Messages.register(bus, PlaceBooking.class);
    Messages.register(bus, TaskReport.class);
    Messages.register(bus, UsageFrame.class);
    Messages.register(bus, Bookings.Booking.class);
  }

  /** Places a booking (201 view), or fails with the placement's {@code RespoolException}. */
  public Future<Bookings.Booking> place(String accountId, Bookings.CreateRequest request) {
    return Messages.request(bus, Addresses.BOOKING_PLACE, new PlaceBooking(accountId, request));
  }

  /** A booking was funded and committed: dispatch it (fire and forget; the reconciler owns a lost one). */
  public void funded(String bookingId) {
    bus.send(Addresses.BOOKING_FUNDED, bookingId);
  }

  /** A host's task report; succeeds once it is committed (then the host is acked). */
  public Future<Void> reported(String hostId, TaskStatus status) {
    return Messages.<Object>request(bus, Addresses.TASK_REPORTED, new TaskReport(hostId, status)).mapEmpty();
  }

  /** A host's usage samples; succeeds once stored (then the frame is acked). */
  public Future<Void> usage(String hostId, List<UsageSample> samples) {
    return Messages.<Object>request(bus, Addresses.USAGE_INGEST, new UsageFrame(hostId, samples)).mapEmpty();
  }
}
