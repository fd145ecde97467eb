package io.respool.hostworker;

import io.respool.protocol.host.Inventory;
import java.util.List;

/** Lists this host's GPUs; an empty list when there are none or they cannot be read. May block. */
@FunctionalInterface
public interface GpuProbe {
  List<Inventory.Gpu> probe();
}
