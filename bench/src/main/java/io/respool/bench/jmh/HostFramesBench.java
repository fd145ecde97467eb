package io.respool.bench.jmh;

import io.respool.protocol.host.HostFrame;
import io.respool.protocol.host.HostFrames;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The control channel's commonest round: a host's heartbeat decoded and its ack encoded (the gateway's side), and
 * the same frames the other way (a host's side). With 10,000 hosts at one heartbeat per 5 s, a node does this
 * 2,000 times a second on its event loop. Run (with the allocation per call):
 * {@code java -jar bench/target/respool-jmh.jar HostFramesBench -f 1 -wi 3 -i 5 -w 2s -r 3s -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class HostFramesBench {
  static final String HOST = "7Np41oeYqPefeNQEHSv1UDhYrehxin3NStELsSKCT4K2";
  final String heartbeat = HostFrames.encode(new HostFrame.Heartbeat("h-1234", HOST, 4711));
  final String ack = HostFrames.encode(new HostFrame.Ack("h-1234"));

  /** The gateway's side: a heartbeat in, an ack out. */
  @Benchmark
  public String gatewayRound() {
    HostFrame.Heartbeat h = (HostFrame.Heartbeat) HostFrames.decode(heartbeat);
    return HostFrames.encode(new HostFrame.Ack(h.id()));
  }

  /** A host's side: a heartbeat out, its ack in. */
  @Benchmark
  public HostFrame hostRound() {
    String sent = HostFrames.encode(new HostFrame.Heartbeat("h-1234", HOST, 4711));
    return sent.isEmpty() ? null : HostFrames.decode(ack);
  }
}
