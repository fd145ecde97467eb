package io.respool.hostworker.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.protocol.task.UsageSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Numbering and persistence of usage samples, on real files. */
class UsageSamplerTest {
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  private static final Instant RUN = Instant.parse("2025-06-01T11:00:00Z");

  @TempDir Path dir;
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  @Test
  void numbersEachTaskFromOneAndReportsTheReadings() {
    UsageSampler sampler = new UsageSampler(dir.resolve("usage"), clock);

    List<UsageSample> first = sampler.sample(List.of(reading(sampler, "a", 1.0), reading(sampler, "b", 2.0)));
    List<UsageSample> second = sampler.sample(List.of(reading(sampler, "a", 1.5)));

    assertThat(first).extracting(UsageSample::taskId, UsageSample::seq).containsExactly(
        org.assertj.core.groups.Tuple.tuple("a", 1L), org.assertj.core.groups.Tuple.tuple("b", 1L));
    assertThat(second).singleElement().satisfies(s -> {
      assertThat(s.seq()).isEqualTo(2);
      assertThat(s.cpuSeconds()).isEqualTo(1.5);
      assertThat(s.memoryBytes()).isEqualTo(64L << 20);
      assertThat(s.netRxBytes()).isEqualTo(1);
      assertThat(s.blockWriteBytes()).isEqualTo(4);
      assertThat(s.gpuUtilization()).isNull();
      assertThat(s.at()).isEqualTo(NOW);
    });
  }

  @Test
  void aNewSamplerOnTheSameDirectoryContinuesTheNumbersAndCounters() {
    UsageSampler before = new UsageSampler(dir, clock);
    before.sample(List.of(reading(before, "a", 3.0)));
    before.sample(List.of(reading(before, "a", 4.0)));

    UsageSampler after = new UsageSampler(dir, clock); // the worker restarted
    // the task was resumed meanwhile: its new run counts from zero
    UsageSample next = after.sample(List.of(new UsageSampler.Reading("a", RUN.plusSeconds(60), NOW, stats("a", 0.5)))).getFirst();

    assertThat(after.lastSeq("a")).isEqualTo(3);
    assertThat(next.seq()).isEqualTo(3);
    assertThat(next.cpuSeconds()).isEqualTo(4.5);
  }

  @Test
  void aStateFileThatCannotBeReadMeansNoSampleRatherThanAGuessedNumber() throws IOException {
    Files.writeString(dir.resolve("a.properties"), "seq=banana\n");
    UsageSampler sampler = new UsageSampler(dir, clock);

    List<UsageSample> samples = sampler.sample(List.of(reading(sampler, "a", 1.0), reading(sampler, "b", 1.0)));

    assertThat(samples).extracting(UsageSample::taskId).containsExactly("b");
    assertThat(Files.readString(dir.resolve("a.properties"))).isEqualTo("seq=banana\n");
  }

  @Test
  void theNumberIsOnDiskBeforeTheSampleIsHandedOut() throws IOException {
    UsageSampler sampler = new UsageSampler(dir, clock);

    UsageSample sample = sampler.sample(List.of(reading(sampler, "a", 1.0))).getFirst();

    assertThat(Files.readAllLines(dir.resolve("a.properties"))).contains("seq=" + sample.seq());
    assertThat(dir.resolve("a.properties.tmp")).doesNotExist();
  }

  private static UsageSampler.Reading reading(UsageSampler sampler, String taskId, double cpu) {
    return sampler.reading(taskId, RUN, stats(taskId, cpu));
  }

  private static TaskStats stats(String taskId, double cpu) {
    return new TaskStats(taskId, cpu, 64L << 20, 128L << 20, 1, 2, 3, 4);
  }
}
