package io.respool.infra;

/** Every event-bus address the domain uses, in one place ({@code domain.noun.verb}). */
public final class Addresses {
  /** Published cluster-wide after an event is committed; body: the event as JSON. */
  public static final String EVENTS_PUBLISHED = "events.event.published";
  /** Published when a host opens a new control session; nodes holding an older one close it. */
  public static final String HOST_SESSION_OPENED = "hosts.session.opened";
  /** Published when a host reports a task's status change; body: the task.status frame. */
  public static final String TASK_STATUS = "hosts.task.reported";

  /** Local request/reply: place a booking ({@code PlacementVerticle}); body and reply typed by {@code BookingsBus}. */
  public static final String BOOKING_PLACE = "bookings.booking.place";
  /** Local send: a booking was funded (committed); dispatch it ({@code DispatchVerticle}; the reconciler catches a lost one). */
  public static final String BOOKING_FUNDED = "bookings.booking.funded";
  /** Local request/reply: a host's report on a task, answered once committed ({@code DispatchVerticle}). */
  public static final String TASK_REPORTED = "dispatch.task.report";
  /** Local request/reply: a host's usage samples, answered once stored ({@code MeteringVerticle}). */
  public static final String USAGE_INGEST = "metering.usage.ingest";

  private Addresses() {}

  /**
   * Request/reply: a request frame for one host (ping, task.*), consumed by the node holding its
   * connection; the reply is the host's answer frame. Use {@code HostCommands}.
   */
  public static String hostCommand(String hostId) {
    return "hosts." + hostId + ".command";
  }

  /**
   * Point-to-point: the frames of relayed stream {@code relayId} for the node whose user opened it
   * (output, exit, credit for stdin; {@code streams/StreamRelay}). Registered by that node before
   * the {@code stream.open} is sent.
   */
  public static String streamUser(String relayId) {
    return "streams." + relayId + ".user";
  }

  /** Point-to-point: the frames of relayed stream {@code relayId} for the node holding the host's connection (stdin, credit, resize, eof, close). */
  public static String streamHost(String relayId) {
    return "streams." + relayId + ".host";
  }
}
