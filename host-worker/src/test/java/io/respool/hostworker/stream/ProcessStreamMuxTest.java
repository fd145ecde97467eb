package io.respool.hostworker.stream;

import io.respool.hostworker.task.TaskDriver;
import io.respool.hostworker.task.process.ProcessTaskDriver;
import io.respool.protocol.task.TaskSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The stream contract on the process driver: host processes, a pty4j terminal, loopback forwards. */
class ProcessStreamMuxTest extends StreamMuxContract {
  @TempDir Path home;

  @Override
  protected TaskDriver driver() {
    return new ProcessTaskDriver(home.resolve("tasks"));
  }

  @Override
  protected TaskSpec spec(String taskId, String script, List<Integer> ports) {
    return new TaskSpec(taskId, "bk-" + taskId, null, List.of("/bin/sh", "-c", script), Map.of(), List.of(), 1000, 256, 0, 0, null, Map.of());
  }

  @Override
  protected String httpServer(int port) {
    return "mkdir -p www && echo 'hello over a forward' > www/hello.txt && exec busybox httpd -f -p 127.0.0.1:" + port + " -h www";
  }
}
