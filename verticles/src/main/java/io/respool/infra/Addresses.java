package io.respool.infra;

/** Every event-bus address the domain uses, in one place ({@code domain.noun.verb}). */
public final class Addresses {
  /** Published cluster-wide after an event is committed; body: the event as JSON. */
  public static final String EVENTS_PUBLISHED = "events.event.published";
  /** Published when a host opens a new control session; nodes holding an older one close it. */
  public static final String HOST_SESSION_OPENED = "hosts.session.opened";

  private Addresses() {}

  /** Request/reply: a command for one host, consumed by the node holding its connection. */
  public static String hostCommand(String hostId) {
    return "hosts." + hostId + ".command";
  }
}
