package io.respool.hostworker.task;

import io.respool.protocol.host.Inventory;
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
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which task holds which GPUs on this host, by the UUIDs nvidia-smi reports: never two tasks the
 * same GPU. The table lives in one file under the worker's home ({@code <home>/gpus.properties},
 * {@code taskId=uuid,uuid}), written to a temporary file, synced and renamed (then the directory
 * synced) <em>before</em> a task is started with its GPUs, so a restarted worker re-attaches its
 * tasks with the GPUs they had and never hands those out meanwhile. A task keeps its GPUs until it
 * is removed (a stopped task may be resumed, with the same devices). Thread-safe; blocking file I/O.
 */
public final class GpuAssignments {
  private final Path file;
  private final Map<String, List<String>> held = new TreeMap<>(); // guarded by this

  /** Reads the table at {@code file}; a missing file is an empty table, an unreadable one refuses to start. */
  public GpuAssignments(Path file) {
    this.file = file;
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      // never guess: a lost table could hand one GPU to two tasks
      throw new UncheckedIOException("cannot read the GPU assignments in " + file, e);
    }
    for (String task : p.stringPropertyNames()) {
      List<String> ids = Arrays.stream(p.getProperty(task).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
      if (!ids.isEmpty()) held.put(task, ids);
    }
  }

  /** What {@link #assign} gave: the task's GPUs, and whether they were taken by this call (false: it held them already). */
  public record Assigned(List<String> gpuIds, boolean fresh) {}

  /**
   * The GPUs of {@code taskId}: those it holds already (a repeated start), else {@code count} of
   * {@code healthy} (of {@code model} when given, case-insensitive) that no task holds, lowest
   * index first, recorded on disk before they are returned. CONFLICT when too few are free.
   */
  public synchronized Assigned assign(String taskId, int count, String model, List<Inventory.Gpu> healthy) {
    List<String> mine = held.get(taskId);
    if (mine != null) return new Assigned(mine, false);
    if (count <= 0) return new Assigned(List.of(), false);
    Set<String> taken = new HashSet<>();
    held.values().forEach(taken::addAll);
    List<Inventory.Gpu> candidates = healthy.stream()
        .filter(g -> g.uuid() != null && !taken.contains(g.uuid()))
        .filter(g -> model == null || g.model().toLowerCase(Locale.ROOT).equals(model.toLowerCase(Locale.ROOT)))
        .sorted(Comparator.comparingInt(Inventory.Gpu::index))
        .toList();
    if (candidates.size() < count) {
      long ofModel = healthy.stream().filter(g -> model == null || g.model().equalsIgnoreCase(model)).count();
      throw new TaskException(TaskException.Kind.CONFLICT, "task " + taskId + " asks for " + count + " GPU(s)"
          + (model == null ? "" : " of model " + model) + "; " + candidates.size() + " of this host's " + ofModel
          + " healthy ones are free (the others are held by other tasks)");
    }
    List<String> ids = candidates.subList(0, count).stream().map(Inventory.Gpu::uuid).toList();
    held.put(taskId, ids);
    try {
      write();
    } catch (IOException e) {
      held.remove(taskId);
      throw new TaskException(TaskException.Kind.UNAVAILABLE, "cannot record the GPUs of task " + taskId + " in " + file + ": " + e.getMessage(), e);
    }
    return new Assigned(ids, true);
  }

  /** The GPUs the task holds (empty when none). */
  public synchronized List<String> of(String taskId) {
    return held.getOrDefault(taskId, List.of());
  }

  /** Every task holding GPUs, with its GPUs. */
  public synchronized Map<String, List<String>> all() {
    return Map.copyOf(held);
  }

  /** The task no longer holds GPUs (it was removed, or never started). */
  public synchronized void release(String taskId) {
    if (held.remove(taskId) == null) return;
    try {
      write();
    } catch (IOException e) {
      // the GPUs stay recorded on disk: a restart would keep them held, never hand them out twice
      throw new UncheckedIOException("cannot record that task " + taskId + " gave its GPUs back", e);
    }
  }

  private void write() throws IOException {
    Properties p = new Properties();
    held.forEach((task, ids) -> p.setProperty(task, String.join(",", ids)));
    StringWriter text = new StringWriter();
    p.store(text, "GPUs held by tasks (uuid as nvidia-smi reports it); written by the host-worker");
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer bytes = StandardCharsets.UTF_8.encode(text.toString());
      while (bytes.hasRemaining()) out.write(bytes);
      out.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // some file systems cannot sync a directory; the rename is still atomic
    }
  }

  @Override
  public String toString() {
    return "GpuAssignments" + all();
  }
}
