package io.respool.protocol.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.respool.protocol.ErrorCode;
import io.respool.protocol.RespoolException;
import io.respool.protocol.task.UsageSample;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostFramesTest {
  static HostInfo info() {
    Inventory inv = new Inventory(8, 16, "Test CPU", 32768, 500,
        List.of(new Inventory.Disk("/dev/sda", 500, 200)), List.of(new Inventory.Gpu(0, "RTX 4090", 24564, "GPU-1")), "Linux", "x86_64");
    return new HostInfo("eu-west", inv, new Prices("USDC", 20_000, 5_000, 100, Map.of("RTX 4090", 400_000L)),
        new Payout("0x" + "ab".repeat(20), null), List.of("docker"), "0.1.0");
  }

  @Test
  void everyFrameRoundTripsWithVersionAndType() {
    List<HostFrame> frames = List.of(
        new HostFrame.Challenge("n1", "node-a"),
        new HostFrame.Register("r1", "host", "n1", "sig", info()),
        new HostFrame.Registered("r1", "host", "s1", 5000),
        new HostFrame.Heartbeat("h1", "host", 3),
        new HostFrame.Resources("u1", "host", info().inventory()),
        new HostFrame.Ack("h1"),
        new HostFrame.Error("h1", "forbidden", "no"),
        new HostFrame.Ping("p1"),
        new HostFrame.Pong("p1"),
        new HostFrame.TaskStart("t1", new io.respool.protocol.task.TaskSpec("task-1", "book-1", "busybox", List.of("sh", "-c", "echo hi"),
            Map.of("A", "b"), List.of(8080), 500, 64, 1, 0, null, Map.of())),
        new HostFrame.TaskStop("t2", "task-1", 5000),
        new HostFrame.TaskInspect("t3", "task-1"),
        new HostFrame.TaskLogs("t4", "task-1", 4096),
        new HostFrame.TaskOutput("t4", "task-1", "out", "err", false),
        new HostFrame.TaskUpdate(null, "t3", new io.respool.protocol.task.TaskStatus("task-1", "book-1",
            io.respool.protocol.task.TaskState.EXITED, 3, true, "OOM", Map.of(8080, 32768), java.time.Instant.EPOCH, java.time.Instant.EPOCH)),
        new HostFrame.TaskResume("t5", "task-1"),
        new HostFrame.TaskRemove("t6", "task-1"),
        new HostFrame.Usage("u-7", List.of(sample("task-1", 1, 0.25), sample("task-2", 42, null))));
    for (HostFrame f : frames) {
      String text = HostFrames.encode(f);
      assertThat(text).startsWith("{\"v\":1,\"type\":");
      assertThat(HostFrames.decode(text)).isEqualTo(f);
    }
  }

  @Test
  void gpuFieldsAreOptionalAndRoundTrip() {
    HostInfo base = info();
    HostInfo withGpuDrivers = new HostInfo(base.region(), base.inventory(), base.prices(), base.payout(), List.of("docker", "process"),
        base.agentVersion(), List.of("process"));
    var status = new io.respool.protocol.task.TaskStatus("task-1", "book-1", io.respool.protocol.task.TaskState.RUNNING, null, false, null,
        Map.of(), Instant.EPOCH, null).withGpuIds(List.of("GPU-a", "GPU-b"));
    List<HostFrame> frames = List.of(
        new HostFrame.Register("r1", "host", "n1", "sig", withGpuDrivers),
        new HostFrame.Resources("u1", "host", base.inventory(), "GPU GPU-1 (RTX 4090) vanished from nvidia-smi"),
        new HostFrame.TaskUpdate("s1", null, status),
        new HostFrame.Usage("u-8", List.of(new UsageSample("task-1", 3, Instant.EPOCH, 1, 2, 0.5, 0, 0, 0, 0, 1L << 30))));
    for (HostFrame f : frames) assertThat(HostFrames.decode(HostFrames.encode(f))).isEqualTo(f);
    assertThat(HostFrames.encode(frames.get(2))).contains("\"gpuIds\":[\"GPU-a\",\"GPU-b\"]");
    // absent fields (an older peer) decode as null; an empty GPU list is the same as none
    assertThat(HostFrames.encode(new HostFrame.Resources("u2", "host", base.inventory()))).doesNotContain("reason");
    assertThat(status.withGpuIds(List.of()).gpuIds()).isNull();
    assertThat(HostFrames.encode(new HostFrame.TaskUpdate("s2", null, status.withGpuIds(null)))).doesNotContain("gpuIds");
    assertThat(HostFrames.encode(new HostFrame.Usage("u-9", List.of(sample("task-1", 1, 0.25))))).doesNotContain("gpuMemoryBytes");
    // what a worker that predates gpuDrivers declared: containers could get GPUs, processes not
    assertThat(base.gpuDrivers()).isNull();
    assertThat(new HostInfo(base.region(), base.inventory(), base.prices(), base.payout(), List.of("docker", "process"), "0.1.0")
        .gpuCapableDrivers()).containsExactly("docker");
    assertThat(withGpuDrivers.gpuCapableDrivers()).containsExactly("process");
  }

  @Test
  void rejectsBadFramesWithAReason() {
    assertReason("{\"v\":1,\"type\":\"heartbeat\",\"id\":\"h\",\"hostId\":\"x\",\"seq\":1,\"extra\":1}", "unknown field 'extra'");
    assertReason("{\"v\":2,\"type\":\"ack\",\"re\":\"x\"}", "unsupported protocol version");
    assertReason("{\"v\":1,\"type\":\"launch\"}", "unknown type 'launch'");
    assertReason("{\"v\":1,\"type\":\"heartbeat\",\"id\":\"h\",\"hostId\":\"x\",\"seq\":\"one\"}", "seq");
    assertReason("{\"v\":1,\"type\":\"heartbeat\",\"id\":\"h\",\"hostId\":\"x\",\"seq\":-1}", "seq must be between");
    assertReason("[1,2]", "JSON object");
    assertReason("{\"v\":1,\"type\":\"task.stop\",\"id\":\"s\",\"taskId\":\"t\",\"graceMs\":-5}", "graceMs must be between");
    assertReason("{\"v\":1,\"type\":\"task.start\",\"id\":\"s\",\"spec\":{\"taskId\":\"a b\",\"bookingId\":\"b\",\"cpuMillis\":1,\"memoryMb\":64,\"storageGb\":0,\"gpus\":0}}", "taskId must be");
    assertReason("{\"v\":1,\"type\":\"task.resume\",\"id\":\"r\"}", "taskId is required");
    assertReason("{\"v\":1,\"type\":\"task.usage\",\"id\":\"u\",\"samples\":[]}", "samples is required");
    assertReason("{\"v\":1,\"type\":\"task.usage\",\"samples\":[" + SAMPLE_JSON + "]}", "id is required");
    assertReason("{\"v\":1,\"type\":\"task.usage\",\"id\":\"u\",\"samples\":[" + SAMPLE_JSON.replace("\"seq\":1", "\"seq\":0") + "]}", "seq must be at least 1");
    assertReason("{\"v\":1,\"type\":\"task.usage\",\"id\":\"u\",\"samples\":[" + SAMPLE_JSON.replace("\"gpuUtilization\":0.5", "\"gpuUtilization\":1.5") + "]}", "gpuUtilization must be between 0 and 1");
    assertReason("{\"v\":1,", "malformed");
    assertReason("{\"v\":1,\"type\":\"ack\",\"re\":\"x\"} {}", "malformed");
  }

  @Test
  void aFrameDecodesTheSameWhateverItsFieldOrder() {
    HostFrame.Heartbeat beat = new HostFrame.Heartbeat("h1", "host", 3);
    // as this codec writes it (version, then type: read straight into the record) and in another order (read whole first)
    assertThat(HostFrames.decode("{\"v\":1,\"type\":\"heartbeat\",\"id\":\"h1\",\"hostId\":\"host\",\"seq\":3}")).isEqualTo(beat);
    assertThat(HostFrames.decode("{\"seq\":3,\"type\":\"heartbeat\",\"v\":1,\"hostId\":\"host\",\"id\":\"h1\"}")).isEqualTo(beat);
    // the version given twice is refused either way, not read as the first or the last
    assertReason("{\"v\":1,\"type\":\"ack\",\"re\":\"x\",\"v\":2}", "duplicate field 'v'");
    assertReason("{\"type\":\"ack\",\"v\":1,\"re\":\"x\",\"v\":1}", "duplicate field 'v'");
    assertReason("{\"v\":1,\"type\":\"heartbeat\",\"id\":\"h\",\"hostId\":\"x\"}", "seq");
  }

  @Test
  void aUsageSampleRefusesWhatCannotBeAReading() {
    assertThat(HostFrames.decode("{\"v\":1,\"type\":\"task.usage\",\"id\":\"u\",\"samples\":[" + SAMPLE_JSON + "]}"))
        .isEqualTo(new HostFrame.Usage("u", List.of(new UsageSample("task-1", 1, Instant.parse("2025-01-01T00:00:00Z"), 1.5, 1024, 0.5, 1, 2, 3, 4))));
    assertThatThrownBy(() -> sample("a b", 1, null)).hasMessageContaining("taskId");
    assertThatThrownBy(() -> sample("task-1", 0, null)).hasMessageContaining("seq");
    assertThatThrownBy(() -> sample("task-1", 1, -0.1)).hasMessageContaining("gpuUtilization");
    assertThatThrownBy(() -> sample("task-1", 1, Double.NaN)).hasMessageContaining("gpuUtilization");
    assertThatThrownBy(() -> new UsageSample("task-1", 1, null, 0, 0, null, 0, 0, 0, 0)).hasMessageContaining("at is required");
    assertThatThrownBy(() -> new UsageSample("task-1", 1, Instant.EPOCH, -1, 0, null, 0, 0, 0, 0)).hasMessageContaining("cpuSeconds");
    assertThatThrownBy(() -> new UsageSample("task-1", 1, Instant.EPOCH, Double.POSITIVE_INFINITY, 0, null, 0, 0, 0, 0)).hasMessageContaining("cpuSeconds");
    assertThatThrownBy(() -> new UsageSample("task-1", 1, Instant.EPOCH, 0, -1, null, 0, 0, 0, 0)).hasMessageContaining("memoryBytes");
    assertThatThrownBy(() -> new UsageSample("task-1", 1, Instant.EPOCH, 0, 0, null, 0, 0, 0, -1)).hasMessageContaining("blockWriteBytes");
  }

  @Test
  void aUsageFrameCarriesOneToFiveHundredSamples() {
    List<UsageSample> most = java.util.stream.LongStream.rangeClosed(1, HostFrame.Usage.MAX_SAMPLES).mapToObj(i -> sample("t", i, null)).toList();
    assertThat(new HostFrame.Usage("u", most).samples()).hasSize(500);
    List<UsageSample> tooMany = java.util.stream.LongStream.rangeClosed(1, 501).mapToObj(i -> sample("t", i, null)).toList();
    assertThatThrownBy(() -> new HostFrame.Usage("u", tooMany)).hasMessageContaining("more than 500");
    assertThatThrownBy(() -> new HostFrame.Usage("u", null)).hasMessageContaining("samples is required");
  }

  private static final String SAMPLE_JSON = "{\"taskId\":\"task-1\",\"seq\":1,\"at\":\"2025-01-01T00:00:00Z\",\"cpuSeconds\":1.5,"
      + "\"memoryBytes\":1024,\"gpuUtilization\":0.5,\"netRxBytes\":1,\"netTxBytes\":2,\"blockReadBytes\":3,\"blockWriteBytes\":4}";

  private static UsageSample sample(String taskId, long seq, Double gpu) {
    return new UsageSample(taskId, seq, Instant.parse("2025-06-01T12:00:00.123456789Z"), 12.5, 64L << 20, gpu, 1_000, 2_000, 3_000, 4_000);
  }

  @Test
  void rejectsInventoryOutsideSaneBounds() {
    assertThatThrownBy(() -> new Inventory(0, 0, "x", 1, 1, null, null, "l", "a")).hasMessageContaining("cpuCores");
    assertThatThrownBy(() -> new Prices("usd", 1, 1, 1, null)).hasMessageContaining("currency");
    assertThatThrownBy(() -> new Payout("0x12", null)).hasMessageContaining("ethereum");
  }

  private static void assertReason(String text, String reason) {
    assertThatThrownBy(() -> HostFrames.decode(text))
        .isInstanceOfSatisfying(RespoolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
        .hasMessageContaining(reason);
  }
}
