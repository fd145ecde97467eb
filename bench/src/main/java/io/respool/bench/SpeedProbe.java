package io.respool.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * How fast this machine's cores are while a step runs: every {@link #PERIOD_MS} ms a thread does the same unit of
 * work (map inserts and lookups, a sort: the branchy, memory-touching kind a server does) and records the CPU time
 * it took. CPU time, not wall time: waiting for a core is not counted, a slower core is (another tenant on the
 * same physical core, a lower clock). On a shared virtual machine this varies by half or more from one minute to
 * the next, and so does everything else measured; reporting it beside a step tells a slow machine from slow code.
 * Costs ~0.2 % of one core.
 */
final class SpeedProbe {
  static final int PERIOD_MS = 200;
  private static final int KEYS = 2_000;
  private static final int SORTED = 4_000;

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final String[] keys = new String[KEYS];
  private final int[] numbers = new int[SORTED];
  private final List<Long> unitNanos = new ArrayList<>();
  private volatile boolean running;
  private Thread thread;
  static volatile long sink;

  SpeedProbe() {
    Random r = new Random(42);
    for (int i = 0; i < KEYS; i++) keys[i] = "key-" + Long.toString(r.nextLong() & Long.MAX_VALUE, 36);
    for (int i = 0; i < SORTED; i++) numbers[i] = r.nextInt();
    for (int i = 0; i < 200; i++) unit(); // compiled before it is measured
  }

  /** One unit of work; returns a value that depends on all of it. */
  long unit() {
    Map<String, Integer> map = new HashMap<>();
    for (int i = 0; i < KEYS; i++) map.put(keys[i], i);
    long sum = 0;
    for (int i = KEYS - 1; i >= 0; i--) sum += map.get(keys[i]);
    int[] copy = Arrays.copyOf(numbers, SORTED);
    Arrays.sort(copy);
    return sum + copy[SORTED / 2];
  }

  synchronized void start() {
    unitNanos.clear();
    running = true;
    thread = Thread.ofPlatform().daemon().name("speed-probe").start(() -> {
      while (running) {
        long t0 = threads.getCurrentThreadCpuTime();
        sink += unit();
        long took = threads.getCurrentThreadCpuTime() - t0;
        synchronized (this) { unitNanos.add(took); }
        try {
          Thread.sleep(PERIOD_MS);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  /** Stops the probe; its units' CPU time in µs (median, 10th and 90th percentile), or null if none ran. */
  io.vertx.core.json.JsonObject stop() {
    running = false;
    if (thread != null) thread.interrupt(); // a unit in flight (< 1 ms) may still land; not waited for: this runs on an event loop
    long[] sorted;
    synchronized (this) { sorted = unitNanos.stream().mapToLong(Long::longValue).sorted().toArray(); }
    if (sorted.length == 0) return null;
    return new io.vertx.core.json.JsonObject()
        .put("units", sorted.length)
        .put("medianMicros", micros(sorted, 50))
        .put("p10Micros", micros(sorted, 10))
        .put("p90Micros", micros(sorted, 90));
  }

  private static double micros(long[] sorted, int percentile) {
    int i = Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1);
    return Math.round(sorted[Math.max(0, i)] / 100.0) / 10.0;
  }
}
