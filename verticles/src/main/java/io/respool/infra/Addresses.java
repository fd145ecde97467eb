package io.respool.infra;

/** Every event-bus address the domain uses, in one place ({@code domain.noun.verb}). */
public final class Addresses {
  /** Published cluster-wide after an event is committed; body: the event as JSON. */
  public static final String EVENTS_PUBLISHED = "events.event.published";
  /** Published when a host opens a new control session; nodes holding an older one close it. */
  public static final String HOST_SESSION_OPENED = "hosts.session.opened";
  /** Published when a host reports a task's status change; body: the task.status frame. */
  public static final String TASK_STATUS = "hosts.task.reported";

  private Addresses() {}

  /**
   * Request/reply: a request frame for one host (ping, task.*), consumed by the node holding its
   * connection; the reply is the host's answer frame. Use {@code HostCommands}.
   */
  public static String hostCommand(String hostId) {
    return "hosts." + hostId + ".command";
  }
}
