package io.respool.hostworker;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.respool.protocol.Json;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.host.HostFrames;
import io.respool.protocol.task.UsageSample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Usage samples not yet acked by a gateway, oldest first, and the frames they are in flight in.
 * Delivery is at least once: a sample leaves only when a frame holding it is acked; after a
 * reconnect every sample left is sent again. At most {@code capacity} samples are kept; beyond
 * that the oldest are dropped (the gateway sees the gap in their sequence numbers). Pure, not
 * thread-safe: the control connection uses it on its event loop.
 */
final class UsageOutbox {
  /** Samples kept for a gateway that is away: 50,000 is over 2 hours of 30 tasks at 5 s. */
  static final int DEFAULT_CAPACITY = 50_000;

  private final int capacity;
  private final int maxFrameBytes;
  private final LinkedHashMap<Key, Pending> unacked = new LinkedHashMap<>();
  private final Set<Key> inFlight = new HashSet<>();
  private final Map<String, List<Key>> frames = new HashMap<>();

  UsageOutbox(int capacity, int maxFrameBytes) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1");
    this.capacity = capacity;
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Keeps new samples; returns how many old ones had to be dropped to stay within the capacity. */
  int add(List<UsageSample> samples) {
    for (UsageSample s : samples) unacked.put(new Key(s.taskId(), s.seq()), new Pending(s, Json.encode(s).getBytes(UTF_8).length));
    int dropped = 0;
    for (Iterator<Key> it = unacked.keySet().iterator(); unacked.size() > capacity && it.hasNext(); dropped++) {
      inFlight.remove(it.next());
      it.remove();
    }
    return dropped;
  }

  /**
   * The samples not in flight, oldest first, as frames of at most {@value HostFrame.Usage#MAX_SAMPLES}
   * samples and {@code maxFrameBytes} bytes encoded, each now in flight under an id from {@code ids}.
   */
  List<HostFrame.Usage> frames(Supplier<String> ids) {
    List<HostFrame.Usage> out = new ArrayList<>();
    List<Key> keys = new ArrayList<>();
    List<UsageSample> batch = new ArrayList<>();
    String id = null;
    int bytes = 0;
    for (Map.Entry<Key, Pending> e : unacked.entrySet()) {
      if (inFlight.contains(e.getKey())) continue;
      UsageSample sample = e.getValue().sample();
      int size = e.getValue().bytes();
      if (id != null && (batch.size() == HostFrame.Usage.MAX_SAMPLES || bytes + 1 + size > maxFrameBytes)) {
        out.add(seal(id, keys, batch));
        id = null;
      }
      if (id == null) {
        id = ids.get();
        keys = new ArrayList<>();
        batch = new ArrayList<>();
        // the frame around the samples: {"v":1,"type":"task.usage","id":"…","samples":[]}
        bytes = HostFrames.encode(new HostFrame.Usage(id, List.of(sample))).getBytes(UTF_8).length - size;
      } else {
        bytes += 1; // the comma
      }
      keys.add(e.getKey());
      batch.add(sample);
      bytes += size;
    }
    if (id != null) out.add(seal(id, keys, batch));
    return out;
  }

  /** The gateway has the frame's samples (or refused them for good): they are forgotten. */
  void ack(String frameId) {
    List<Key> keys = frames.remove(frameId);
    if (keys == null) return; // not a usage frame, or one from before a reconnect
    for (Key k : keys) {
      unacked.remove(k);
      inFlight.remove(k);
    }
  }

  /** The gateway could not take the frame now: its samples go out again with the next frames. */
  void retry(String frameId) {
    List<Key> keys = frames.remove(frameId);
    if (keys != null) keys.forEach(inFlight::remove);
  }

  /** A new connection: nothing is in flight on it, so every unacked sample is sent again. */
  void resendAll() {
    frames.clear();
    inFlight.clear();
  }

  boolean isUsageFrame(String frameId) {
    return frames.containsKey(frameId);
  }

  int size() {
    return unacked.size();
  }

  private HostFrame.Usage seal(String id, List<Key> keys, List<UsageSample> batch) {
    frames.put(id, keys);
    inFlight.addAll(keys);
    return new HostFrame.Usage(id, batch);
  }

  private record Key(String taskId, long seq) {}

  /** A sample and the length of its JSON, counted once. */
  private record Pending(UsageSample sample, int bytes) {}
}
