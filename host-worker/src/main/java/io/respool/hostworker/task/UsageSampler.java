package io.respool.hostworker.task;

import io.respool.protocol.task.UsageSample;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns readings of running tasks into numbered {@link UsageSample}s. Each task's sequence number
 * and counters ({@link UsageCounters}) live in {@code <dir>/<taskId>.properties}, written (and
 * synced to disk) before the sample is handed out, so a restarted worker continues the numbers and
 * never uses one twice. A sample that is numbered but never delivered (the worker died first)
 * leaves a gap, which the gateway sees. Blocking file I/O: call it off the event loop.
 */
public final class UsageSampler {
  private static final Logger log = LoggerFactory.getLogger(UsageSampler.class);
  private static final String SUFFIX = ".properties";

  private final Path dir;
  private final Clock clock;
  /** Each task's state as last written; read from its file on first use. */
  private final Map<String, UsageCounters> states = new ConcurrentHashMap<>();

  public UsageSampler(Path dir, Clock clock) {
    this.dir = dir;
    this.clock = clock;
  }

  /**
   * One reading of a task's run ({@code run} is its {@code startedAt}), taken at {@code at};
   * {@code gpu} is the use of the task's GPUs, or null when it holds none or they could not be read.
   */
  public record Reading(String taskId, Instant run, Instant at, TaskStats stats, GpuReading gpu) {
    public Reading(String taskId, Instant run, Instant at, TaskStats stats) {
      this(taskId, run, at, stats, null);
    }
  }

  /** The use of a task's GPUs: mean busy fraction in [0, 1] and the memory used on them, summed. */
  public record GpuReading(double utilization, long memoryBytes) {}

  /** A reading stamped now, for {@link #sample(List)}. */
  public Reading reading(String taskId, Instant run, TaskStats stats) {
    return reading(taskId, run, stats, null);
  }

  public Reading reading(String taskId, Instant run, TaskStats stats, GpuReading gpu) {
    return new Reading(taskId, run, clock.instant(), stats, gpu);
  }

  /**
   * Numbers the readings, one sample each, persisting every task's new state first. A task whose
   * state cannot be read or written is left out (its number is not used), with a warning.
   */
  public synchronized List<UsageSample> sample(List<Reading> readings) {
    List<UsageSample> samples = new ArrayList<>();
    for (Reading r : readings) {
      try {
        UsageCounters next = state(r.taskId()).next(r.run(), UsageCounters.Counters.of(r.stats()));
        write(r.taskId(), next);
        states.put(r.taskId(), next);
        UsageCounters.Counters total = next.total();
        samples.add(new UsageSample(r.taskId(), next.seq(), r.at(), total.cpuSeconds(), Math.max(0, r.stats().memoryBytes()),
            r.gpu() == null ? null : Math.clamp(r.gpu().utilization(), 0.0, 1.0),
            total.netRxBytes(), total.netTxBytes(), total.blockReadBytes(), total.blockWriteBytes(),
            r.gpu() == null ? null : Math.max(0, r.gpu().memoryBytes())));
      } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
        log.warn("no usage sample of task {}: its sequence state in {} is unusable: {}", r.taskId(), dir, e.toString());
      }
    }
    if (!samples.isEmpty()) syncDirectory();
    return samples;
  }

  /** The last sequence number used for the task (0 if none). */
  public synchronized long lastSeq(String taskId) {
    try {
      return state(taskId).seq();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private UsageCounters state(String taskId) throws IOException {
    UsageCounters known = states.get(taskId);
    if (known != null) return known;
    UsageCounters read = read(taskId);
    states.put(taskId, read);
    return read;
  }

  private UsageCounters read(String taskId) throws IOException {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file(taskId), StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (NoSuchFileException e) {
      return UsageCounters.NONE;
    }
    try {
      String run = p.getProperty("run");
      return new UsageCounters(Long.parseLong(p.getProperty("seq")), run == null ? null : Instant.parse(run), counters(p, "raw."), counters(p, "base."));
    } catch (RuntimeException e) {
      // never guess a number: a reused one would overwrite a sample the gateway already has
      throw new IOException("cannot parse " + file(taskId) + ": " + e, e);
    }
  }

  /** Written to a temporary file, synced, and renamed over the old one: a crash leaves one or the other, whole. */
  private void write(String taskId, UsageCounters state) throws IOException {
    Properties p = new Properties();
    p.setProperty("seq", Long.toString(state.seq()));
    if (state.run() != null) p.setProperty("run", state.run().toString());
    put(p, "raw.", state.raw());
    put(p, "base.", state.base());
    StringWriter text = new StringWriter();
    p.store(text, null);
    Files.createDirectories(dir);
    Path file = file(taskId);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer bytes = StandardCharsets.UTF_8.encode(text.toString());
      while (bytes.hasRemaining()) out.write(bytes);
      out.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Makes the renames durable too (Linux lets a directory be opened and synced). */
  private void syncDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      log.debug("cannot sync {}: {}", dir, e.toString());
    }
  }

  private Path file(String taskId) {
    if (!taskId.matches("[A-Za-z0-9_-]{1,64}")) throw new IllegalArgumentException("not a task id: " + taskId);
    return dir.resolve(taskId + SUFFIX);
  }

  private static void put(Properties p, String prefix, UsageCounters.Counters c) {
    p.setProperty(prefix + "cpuSeconds", Double.toString(c.cpuSeconds()));
    p.setProperty(prefix + "netRxBytes", Long.toString(c.netRxBytes()));
    p.setProperty(prefix + "netTxBytes", Long.toString(c.netTxBytes()));
    p.setProperty(prefix + "blockReadBytes", Long.toString(c.blockReadBytes()));
    p.setProperty(prefix + "blockWriteBytes", Long.toString(c.blockWriteBytes()));
  }

  private static UsageCounters.Counters counters(Properties p, String prefix) {
    return new UsageCounters.Counters(
        Double.parseDouble(p.getProperty(prefix + "cpuSeconds")),
        Long.parseLong(p.getProperty(prefix + "netRxBytes")),
        Long.parseLong(p.getProperty(prefix + "netTxBytes")),
        Long.parseLong(p.getProperty(prefix + "blockReadBytes")),
        Long.parseLong(p.getProperty(prefix + "blockWriteBytes")));
  }
}
