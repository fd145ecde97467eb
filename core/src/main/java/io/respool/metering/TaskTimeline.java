package io.respool.metering;

import java.util.List;

/**
 * When one task of a booking was RUNNING: one interval per run (several after pause and resume,
 * the last one open while it still runs). Overlapping intervals are allowed and count once.
 *
 * @param pricePerHour the price per hour of the task's reserved resources on its host, in minor
 *     units, as {@link io.respool.matching.Pricing#pricePerHour} computed it when the booking was placed
 *     (or last resized)
 */
public record TaskTimeline(String taskId, String hostId, long pricePerHour, List<Interval> running) {

  public TaskTimeline {
    if (taskId == null || taskId.isEmpty()) throw new IllegalArgumentException("taskId is required");
    if (hostId == null || hostId.isEmpty()) throw new IllegalArgumentException("hostId is required for task " + taskId);
    if (pricePerHour < 0) throw new IllegalArgumentException("pricePerHour must not be negative, was " + pricePerHour);
    if (running == null) throw new IllegalArgumentException("running intervals are required for task " + taskId);
    running = List.copyOf(running);
  }
}
