package io.respool.protocol.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Wire records of {@code /v1/bookings}. Money is integer minor units of {@code currency}, as decimal strings (see {@link io.respool.protocol.Amounts}). */
public final class Bookings {
  private Bookings() {}

  /**
   * A booking request: the resources per replica as in a quote, the workload, and how to pay.
   * {@code durationSeconds} is required; a workload needs a {@code command} or an {@code image}.
   *
   * @param image container image; without one the command runs as a plain process
   * @param ports container ports to publish
   * @param paymentChain {@code ethereum} or {@code solana} (default ethereum)
   * @param teamId the team the booking belongs to (its members see it; its quota applies)
   * @param onHostLoss {@code reschedule} (default) or {@code fail}: what happens when a host
   *     running a part of the booking goes away
   */
  public record CreateRequest(Double cpu, Long memoryMb, Long storageGb, Integer gpus, String gpuModel, String arch, String region,
      String image, List<String> command, Map<String, String> env, List<Integer> ports,
      String currency, Long maxPricePerHour, Integer replicas, Boolean splittable, Long durationSeconds, String strategy,
      Double minUptime, String paymentChain, String teamId, String onHostLoss) {

    /** The resource part, as a quote request for the first {@code alternatives} plans. */
    public Quotes.Request asQuote(int alternatives) {
      return new Quotes.Request(cpu, memoryMb, storageGb, gpus, gpuModel, arch, region, image, currency, maxPricePerHour,
          replicas, splittable, durationSeconds, strategy, alternatives, minUptime);
    }
  }

  /** {@code PATCH /v1/bookings/{id}}: new resources per replica; omitted ones stay as they are. */
  public record ResizeRequest(Double cpu, Long memoryMb, Long storageGb) {}

  /** {@code POST /v1/bookings/{id}/extend}. */
  public record ExtendRequest(Long seconds) {}

  /** What the renter must pay before the booking starts (absent when it is funded). */
  public record Payment(String chain, java.math.BigInteger amount, String currency, Instant deadline, String status) {}

  public record Task(String taskId, String hostId, int replica, int part, int attempt, boolean current, double cpu, long memoryMb,
      long storageGb, int gpus, String gpuModel, long pricePerHour, String state, Integer exitCode, String reason,
      Map<Integer, Integer> ports, Instant startedAt, Instant finishedAt, List<String> gpuIds) {}

  public record Transition(String from, String to, String reason, Instant at) {}

  public record Booking(String id, String accountId, String teamId, String state, String reason, String image, List<String> command,
      double cpu, long memoryMb, long storageGb, int gpus, String gpuModel, int replicas, String currency, long pricePerHour,
      long durationSeconds, java.math.BigInteger cost, String paymentChain, String onHostLoss, Payment payment, Instant createdAt, Instant startedAt,
      Instant endsAt, Instant endedAt, List<Task> tasks, List<Transition> transitions) {}

  /** {@code GET /v1/bookings/{id}/logs}: each current task's output (the tail when long), or why it is missing. */
  public record TaskLogs(String taskId, String hostId, String stdout, String stderr, boolean truncated, String error) {}

  public record Logs(String bookingId, List<TaskLogs> tasks) {}
}
