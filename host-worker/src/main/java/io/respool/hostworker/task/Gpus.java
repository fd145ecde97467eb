package io.respool.hostworker.task;

import io.respool.protocol.host.Inventory;
import java.util.List;
import java.util.Map;

/** This host's GPUs as the task runner needs them: which may be handed out, and their use now. Blocking. */
public interface Gpus {
  /** A GPU's use now: busy percentage (0–100) and memory used in MiB. */
  record Use(int utilizationPercent, long memoryUsedMib) {}

  /** GPUs that may be given to tasks (listed and not failing). */
  List<Inventory.Gpu> healthy();

  /** Every healthy GPU's use now, by uuid; also the health check (a GPU that stops answering is no longer healthy). */
  Map<String, Use> use();

  /** A host without GPUs. */
  Gpus NONE = new Gpus() {
    @Override
    public List<Inventory.Gpu> healthy() { return List.of(); }

    @Override
    public Map<String, Use> use() { return Map.of(); }
  };
}
