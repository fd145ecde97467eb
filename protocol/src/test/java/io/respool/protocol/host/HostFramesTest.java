package io.respool.protocol.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.respool.protocol.ErrorCode;
import io.respool.protocol.RespoolException;
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
            io.respool.protocol.task.TaskState.EXITED, 3, true, "OOM", Map.of(8080, 32768), java.time.Instant.EPOCH, java.time.Instant.EPOCH)));
    for (HostFrame f : frames) {
      String text = HostFrames.encode(f);
      assertThat(text).startsWith("{\"v\":1,\"type\":");
      assertThat(HostFrames.decode(text)).isEqualTo(f);
    }
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
    assertReason("{\"v\":1,", "malformed");
    assertReason("{\"v\":1,\"type\":\"ack\",\"re\":\"x\"} {}", "malformed");
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
