package io.respool.hostworker;

import io.respool.protocol.host.Inventory;

/** Measures this host. Implementations may block (they read /proc, run tools): never call on an event loop. */
@FunctionalInterface
public interface InventoryProbe {
  Inventory probe();
}
