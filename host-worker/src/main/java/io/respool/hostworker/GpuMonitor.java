package io.respool.hostworker;

import io.respool.hostworker.task.Gpus;
import io.respool.protocol.host.Inventory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This host's GPUs and their health, as {@code nvidia-smi} tells them. It is the inventory's
 * {@link GpuProbe}: a GPU whose queries fail is left out of the inventory (so the gateway's offer
 * drops it) until it reads well again. {@link #use()} reads every GPU's utilization and memory for
 * the usage samples, and is the health check that runs most often: a GPU that vanishes from its
 * output, or for which nvidia-smi prints an error instead of numbers, or the whole query failing,
 * marks the GPUs failing and calls the {@code onHealthChange} listener (the worker then probes the
 * inventory again at once and reports it, with {@link #lossReason}). Blocking (runs nvidia-smi).
 */
public final class GpuMonitor implements GpuProbe, Gpus {
  private static final Logger log = LoggerFactory.getLogger(GpuMonitor.class);

  private final NvidiaSmiProbe smi;
  private volatile Runnable onHealthChange = () -> {};
  /** GPUs nvidia-smi listed at the last inventory probe, healthy or not. */
  private List<Inventory.Gpu> listed = List.of(); // guarded by this
  /** Failing GPUs by uuid, with why. */
  private final Map<String, String> failing = new LinkedHashMap<>(); // guarded by this
  /** Why each GPU that left the inventory left it, for the report; kept until it comes back. */
  private final Map<String, String> lost = new HashMap<>(); // guarded by this

  public GpuMonitor(NvidiaSmiProbe smi) {
    this.smi = smi;
  }

  /** Called (on the thread that noticed) when a GPU starts or stops failing. */
  public void onHealthChange(Runnable listener) {
    this.onHealthChange = listener;
  }

  /** The GPUs nvidia-smi lists now, without the failing ones. */
  @Override
  public List<Inventory.Gpu> probe() {
    List<Inventory.Gpu> now = smi.probe();
    String failure = smi.lastFailure();
    synchronized (this) {
      Set<String> seen = now.stream().map(Inventory.Gpu::uuid).collect(Collectors.toSet());
      for (Inventory.Gpu g : listed) {
        if (g.uuid() != null && !seen.contains(g.uuid())) {
          lost.putIfAbsent(g.uuid(), failure != null ? "nvidia-smi fails (" + failure + ")" : "it is no longer listed by nvidia-smi");
        }
      }
      listed = now;
      now.forEach(g -> { if (!failing.containsKey(g.uuid())) lost.remove(g.uuid()); });
      return healthy();
    }
  }

  /** The GPUs that may be handed to tasks: listed at the last probe and not failing. */
  @Override
  public synchronized List<Inventory.Gpu> healthy() {
    return listed.stream().filter(g -> g.uuid() != null && !failing.containsKey(g.uuid())).toList();
  }

  /**
   * Every listed GPU's use now, by uuid; failing GPUs are not in it. Updates their health: a GPU
   * missing from the answer or with an error in place of its numbers is failing, one that reads
   * well again is not; if the query as a whole fails, every listed GPU is failing.
   */
  @Override
  public Map<String, Gpus.Use> use() {
    synchronized (this) {
      if (listed.isEmpty()) return Map.of();
    }
    List<NvidiaSmiProbe.Use> answer = List.of();
    String failure = null;
    try {
      answer = smi.use(); // outside the lock: it may take up to the timeout
    } catch (IllegalStateException e) {
      failure = e.getMessage();
    }
    Map<String, NvidiaSmiProbe.Use> readings = new HashMap<>();
    boolean changed;
    synchronized (this) {
      Map<String, String> before = new HashMap<>(failing);
      for (NvidiaSmiProbe.Use u : answer) readings.put(u.uuid(), u);
      for (Inventory.Gpu g : listed) {
        if (g.uuid() == null) continue;
        NvidiaSmiProbe.Use u = readings.get(g.uuid());
        if (failure != null) failing.put(g.uuid(), "its queries fail (" + failure + ")");
        else if (u == null) failing.put(g.uuid(), "it vanished from nvidia-smi's answers");
        else if (u.problem() != null) failing.put(g.uuid(), u.problem());
        else failing.remove(g.uuid());
      }
      readings.keySet().removeIf(failing::containsKey);
      failing.forEach(lost::put);
      changed = !before.keySet().equals(failing.keySet());
      if (changed) log.warn("failing GPUs now: {}", failing.isEmpty() ? "none" : failing);
    }
    if (changed) onHealthChange.run();
    Map<String, Gpus.Use> out = new HashMap<>();
    readings.forEach((uuid, u) -> out.put(uuid, new Gpus.Use(u.utilizationPercent(), u.memoryUsedMib())));
    return out;
  }

  /**
   * Why the GPUs of {@code before} that are not in {@code after} left, in words ("GPU GPU-… (model,
   * index 1) left the offer: it vanished from nvidia-smi's answers"); null when none left.
   */
  public synchronized String lossReason(Collection<Inventory.Gpu> before, Collection<Inventory.Gpu> after) {
    Set<String> kept = after.stream().map(Inventory.Gpu::uuid).collect(Collectors.toSet());
    List<String> why = new ArrayList<>();
    for (Inventory.Gpu g : before) {
      if (kept.contains(g.uuid())) continue;
      why.add("GPU " + g.uuid() + " (" + g.model() + ", index " + g.index() + ") left the offer: "
          + lost.getOrDefault(g.uuid(), "it is no longer listed by nvidia-smi"));
    }
    if (why.isEmpty()) return null;
    String text = String.join("; ", why);
    return text.length() <= 2000 ? text : text.substring(0, 1999) + "…";
  }
}
