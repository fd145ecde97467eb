package io.respool.hostworker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.respool.protocol.host.HostFrame;
import io.respool.protocol.host.HostFrames;
import io.respool.protocol.task.UsageSample;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Batching, acks, resends and the bound of unacked usage samples. */
class UsageOutboxTest {
  private final AtomicInteger ids = new AtomicInteger();
  private final Supplier<String> nextId = () -> "usage-" + ids.incrementAndGet();

  @Test
  void samplesOfOneTickGoInOneFrameAndOnlyOnce() {
    UsageOutbox outbox = new UsageOutbox(100, HostFrames.MAX_FRAME_BYTES);
    outbox.add(List.of(sample("a", 1), sample("b", 1)));

    List<HostFrame.Usage> frames = outbox.frames(nextId);

    assertThat(frames).singleElement().satisfies(f -> assertThat(f.samples()).extracting(UsageSample::taskId).containsExactly("a", "b"));
    assertThat(outbox.frames(nextId)).as("in flight: not sent twice on one connection").isEmpty();
  }

  @Test
  void ackedSamplesGoAndTheRestAreSentAgainAfterAReconnect() {
    UsageOutbox outbox = new UsageOutbox(100, HostFrames.MAX_FRAME_BYTES);
    outbox.add(List.of(sample("a", 1)));
    HostFrame.Usage first = outbox.frames(nextId).getFirst();
    outbox.add(List.of(sample("a", 2)));
    HostFrame.Usage second = outbox.frames(nextId).getFirst();

    outbox.ack(first.id());
    outbox.resendAll();

    assertThat(outbox.frames(nextId)).singleElement().satisfies(f -> {
      assertThat(f.id()).isNotEqualTo(second.id());
      assertThat(f.samples()).extracting(UsageSample::seq).containsExactly(2L);
    });
    assertThat(outbox.size()).isEqualTo(1);
  }

  @Test
  void aFrameTheGatewayCouldNotStoreIsSentAgainWithTheNextOnes() {
    UsageOutbox outbox = new UsageOutbox(100, HostFrames.MAX_FRAME_BYTES);
    outbox.add(List.of(sample("a", 1)));
    HostFrame.Usage refused = outbox.frames(nextId).getFirst();

    outbox.retry(refused.id());
    outbox.add(List.of(sample("a", 2)));

    assertThat(outbox.frames(nextId)).singleElement().satisfies(f -> assertThat(f.samples()).extracting(UsageSample::seq).containsExactly(1L, 2L));
  }

  @Test
  void beyondItsCapacityTheOldestSamplesAreDropped() {
    UsageOutbox outbox = new UsageOutbox(3, HostFrames.MAX_FRAME_BYTES);

    int dropped = outbox.add(LongStream.rangeClosed(1, 5).mapToObj(i -> sample("a", i)).toList());

    assertThat(dropped).isEqualTo(2);
    assertThat(outbox.size()).isEqualTo(3);
    assertThat(outbox.frames(nextId).getFirst().samples()).extracting(UsageSample::seq).containsExactly(3L, 4L, 5L);
  }

  @Test
  void framesStayWithinTheFrameLimitWhateverTheSamples() {
    UsageOutbox outbox = new UsageOutbox(10_000, HostFrames.MAX_FRAME_BYTES);
    String longId = "t".repeat(64); // the longest task id, the largest numbers: the largest samples
    for (long i = 1; i <= 2_000; i++) {
      outbox.add(List.of(new UsageSample(longId, Long.MAX_VALUE - i, Instant.parse("2025-06-01T12:00:00.123456789Z"), 123_456_789.123456789,
          Long.MAX_VALUE, 0.123456789, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE)));
    }
    for (long i = 1; i <= 2_000; i++) outbox.add(List.of(sample("s", i))); // the smallest samples

    List<HostFrame.Usage> frames = outbox.frames(nextId);

    assertThat(frames.stream().mapToInt(f -> f.samples().size()).sum()).isEqualTo(4_000);
    for (HostFrame.Usage f : frames) {
      int bytes = HostFrames.encode(f).getBytes(UTF_8).length;
      assertThat(bytes).isLessThanOrEqualTo(HostFrames.MAX_FRAME_BYTES);
      assertThat(f.samples()).hasSizeLessThanOrEqualTo(HostFrame.Usage.MAX_SAMPLES);
    }
    // full frames use the room: all but the last of each kind are within one sample of the limit
    assertThat(HostFrames.encode(frames.getFirst()).getBytes(UTF_8).length).isGreaterThan(HostFrames.MAX_FRAME_BYTES - 400);
    assertThat(frames).extracting(f -> HostFrames.decode(HostFrames.encode(f))).containsExactlyElementsOf(frames);
  }

  @Test
  void noFrameHoldsMoreThanFiveHundredSamples() {
    // with these field names even the smallest sample takes over 130 bytes, so within 64 KiB the
    // byte limit binds first; without it, the count limit does
    UsageOutbox outbox = new UsageOutbox(10_000, Integer.MAX_VALUE);
    outbox.add(LongStream.rangeClosed(1, 1_200).mapToObj(i -> sample("s", i)).toList());

    assertThat(outbox.frames(nextId)).extracting(f -> f.samples().size()).containsExactly(500, 500, 200);
  }

  private static UsageSample sample(String taskId, long seq) {
    return new UsageSample(taskId, seq, Instant.parse("2025-06-01T12:00:00Z"), seq, 1024, null, 0, 0, 0, 0);
  }
}
