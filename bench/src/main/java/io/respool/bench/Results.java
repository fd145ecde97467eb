package io.respool.bench;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;

/**
 * Merging of fleet result documents (one per event loop, then one per process). One rule for
 * every field keeps the shards and processes interchangeable: counts add up, histograms (objects
 * with a {@code layout}) merge bucket by bucket, nested maps of counts add key by key, and the
 * few durations and settings listed in {@link #TAKE_MAX} take the largest value.
 */
final class Results {
  /** Per-process settings and wall times: adding them up would be meaningless. */
  static final Set<String> TAKE_MAX = Set.of("heartbeatMs", "durationSeconds", "settleSeconds", "rampSeconds",
      "windowSeconds", "processes");

  private Results() {}

  static JsonObject merge(JsonObject a, JsonObject b) {
    JsonObject out = a.copy();
    for (Map.Entry<String, Object> e : b) {
      String key = e.getKey();
      Object mine = out.getValue(key);
      Object theirs = e.getValue();
      if (mine == null) {
        out.put(key, theirs instanceof JsonObject j ? j.copy() : theirs);
      } else if (mine instanceof JsonObject ma && theirs instanceof JsonObject ta) {
        if (ma.containsKey("layout")) {
          LogLinearHistogram h = LogLinearHistogram.fromJson(ma);
          h.merge(LogLinearHistogram.fromJson(ta));
          out.put(key, h.toJson());
        } else {
          out.put(key, merge(ma, ta));
        }
      } else if (mine instanceof Number m && theirs instanceof Number t) {
        boolean floating = m instanceof Double || m instanceof Float || t instanceof Double || t instanceof Float;
        if (TAKE_MAX.contains(key)) {
          out.put(key, floating ? (Object) Math.max(m.doubleValue(), t.doubleValue()) : (Object) Math.max(m.longValue(), t.longValue()));
        } else {
          out.put(key, floating ? (Object) (m.doubleValue() + t.doubleValue()) : (Object) (m.longValue() + t.longValue()));
        }
      } else if (!mine.equals(theirs)) {
        out.put(key, mine + "," + theirs); // e.g. the shard names of the merged processes
      }
    }
    return out;
  }
}
