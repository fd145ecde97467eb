package io.respool.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JVM's CPU samples went, by the application's own code: reads the
 * {@code jdk.ExecutionSample} events of a JFR recording and charges each sample to the innermost
 * frame of a package under the prefix (default {@code io.respool.}) outside
 * {@code io.respool.protocol} (the wire records and their codec work on someone's behalf), i.e. to
 * the ResPool method whose work it was, JSON parsing or row decoding below it included; samples
 * with no such frame are charged to their top frame's package (Netty, the Vert.x router…). Also
 * prints the inclusive share of the busiest application methods and the split by thread pool.
 * Lambda frames are skipped: the method that holds the lambda's body is on the stack too.
 *
 * <pre>java -cp respool-bench.jar io.respool.bench.JfrProfile gateway.jfr [top] [prefix]</pre>
 */
public final class JfrProfile {
  /** Codec and record code: charged to whoever called it. */
  private static final String PASS_THROUGH = "io.respool.protocol.";

  private JfrProfile() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: JfrProfile RECORDING.jfr [top (default 15)] [package prefix (default io.respool.)]");
      System.exit(2);
    }
    int top = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    String prefix = args.length > 2 ? args[2] : "io.respool.";
    Map<String, Long> charged = new HashMap<>();
    Map<String, Long> inclusive = new HashMap<>();
    Map<String, Long> threads = new HashMap<>();
    long samples = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
      RecordedStackTrace st = e.getStackTrace();
      if (st == null) continue;
      samples++;
      String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
      threads.merge(thread == null ? "?" : thread.replaceAll("\\d+", "N"), 1L, Long::sum);
      List<RecordedFrame> frames = st.getFrames(); // innermost first; deep stacks may be truncated at the root end
      String owner = null;
      Set<String> seen = new HashSet<>();
      for (RecordedFrame f : frames) {
        if (!f.isJavaFrame()) continue;
        String type = f.getMethod().getType().getName();
        if (!type.startsWith(prefix) || type.contains("$$Lambda")) continue;
        String m = simple(type) + "." + f.getMethod().getName();
        if (owner == null && !type.startsWith(PASS_THROUGH)) owner = m;
        if (seen.add(m)) inclusive.merge(m, 1L, Long::sum);
      }
      if (owner == null) {
        String type = frames.isEmpty() ? "?" : frames.get(0).getMethod().getType().getName();
        owner = "(no ResPool frame) " + pkg(type);
      }
      charged.merge(owner, 1L, Long::sum);
    }
    System.out.printf("%d CPU samples%n%n", samples);
    print("by thread", threads, samples, top);
    print("charged to the innermost ResPool method outside io.respool.protocol (its callees included)", charged, samples, top);
    print("inclusive, ResPool methods", inclusive, samples, top);
  }

  private static void print(String title, Map<String, Long> counts, long total, int top) {
    System.out.println(title + ":");
    counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
        .forEach(e -> System.out.printf("  %5.1f %%  %s%n", 100.0 * e.getValue() / Math.max(1, total), e.getKey()));
    System.out.println();
  }

  private static String simple(String type) {
    return type.substring(type.lastIndexOf('.') + 1);
  }

  /** The first three segments of a package (io.netty.channel, com.fasterxml.jackson…). */
  private static String pkg(String type) {
    String[] p = type.split("\\.");
    return String.join(".", java.util.Arrays.copyOf(p, Math.min(3, Math.max(1, p.length - 1))));
  }
}
