package io.respool.hostworker.task.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.hostworker.task.Capabilities;
import io.respool.hostworker.task.TaskDriver;
import io.respool.hostworker.task.TaskDriverContract;
import io.respool.protocol.task.TaskSpec;
import io.respool.protocol.task.TaskState;
import io.respool.protocol.task.TaskStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract again on a host whose cgroups the worker may not write: rlimits and /proc only. */
class ProcessTaskDriverWithoutCgroupsTest extends TaskDriverContract {
  @TempDir Path tasks;

  @Override
  protected TaskDriver driver() {
    return new ProcessTaskDriver(tasks, Cgroups.none(), new ProcFs(Path.of("/proc")), Clock.systemUTC());
  }

  @Override
  protected TaskSpec spec(String taskId, List<String> script, long memoryMb) {
    return ProcessTaskDriverTest.shellSpec(taskId, script, memoryMb);
  }

  @Test
  void saysItCapsNeitherMemoryNorCpu() {
    Capabilities caps = driver.capabilities();

    assertThat(caps.memoryLimit()).isFalse();
    assertThat(caps.cpuLimit()).isFalse();
    assertThat(caps.notes()).anyMatch(n -> n.contains("RLIMIT_AS")).anyMatch(n -> n.startsWith("CPU: not capped"));
  }

  @Test
  void eachProcessGetsTheTaskMemoryAsItsAddressSpaceLimit() {
    String id = startScript("ulimit -v");
    driver.await(id, TIMEOUT);

    assertThat(logs(id).stdout()).isEqualTo(256 * 1024 + "\n");
  }

  @Test
  void anAllocationPastTheRlimitFailsWithoutBeingCalledAnOomKill() {
    String id = newTaskId();
    start(spec(id, List.of("head -c 209715200 /dev/zero | tail"), 32));

    TaskStatus done = driver.await(id, TIMEOUT);

    assertThat(done.state()).isEqualTo(TaskState.EXITED);
    assertThat(done.exitCode()).isNotZero();
    assertThat(done.oomKilled()).isFalse();
    assertThat(logs(id).stderr()).isNotEmpty(); // tail says why it failed
  }
}
