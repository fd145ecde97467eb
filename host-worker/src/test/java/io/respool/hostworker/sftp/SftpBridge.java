package io.respool.hostworker.sftp;

import io.respool.hostworker.stream.GatewaySide;
import io.respool.hostworker.stream.StreamTargets;
import io.respool.hostworker.task.TaskDriver;
import io.respool.hostworker.task.docker.DockerDriverConfig;
import io.respool.hostworker.task.docker.DockerTaskDriver;
import io.respool.hostworker.task.process.ProcessTaskDriver;
import io.respool.protocol.stream.StreamExit;
import io.respool.protocol.stream.StreamKind;
import io.vertx.core.Vertx;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What the gateway will do with an SSH client's SFTP subsystem, as a program OpenSSH's
 * {@code sftp -D} (and {@code scp -S}) can run: its stdin and stdout become the stdin and stdout
 * of an {@code sftp} stream opened on a real {@code StreamMux}, with the protocol's credit in both
 * directions. Arguments: {@code process:<tasks dir>} or {@code docker:<DOCKER_HOST>}, then the task
 * id. Any further arguments (scp passes ssh options and a host) are ignored.
 */
public final class SftpBridge {
  private SftpBridge() {}

  public static void main(String[] args) throws Exception {
    int first = 0;
    while (first < args.length && !args[first].startsWith("process:") && !args[first].startsWith("docker:")) first++;
    String target = args[first];
    String taskId = args[first + 1];
    TaskDriver driver = target.startsWith("process:")
        ? new ProcessTaskDriver(Path.of(target.substring("process:".length())))
        : new DockerTaskDriver(new DockerDriverConfig(target.substring("docker:".length()), 0));
    Vertx vertx = Vertx.vertx();
    GatewaySide gateway = new GatewaySide(vertx, StreamTargets.of(driver));
    GatewaySide.Client c = gateway.open(taskId, StreamKind.SFTP, List.of(), false, null, 256 * 1024);
    if (!c.opened()) {
      System.err.println("sftp stream refused: " + c.answer);
      System.exit(2);
    }
    OutputStream out = new FileOutputStream(FileDescriptor.out);
    c.keep = false;
    // written before the credit for it goes back: the client's pace is the stream's pace
    c.onStdout = bytes -> {
      try {
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    Thread.ofPlatform().daemon().start(() -> {
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = System.in) {
        for (int n; (n = in.read(buf)) >= 0; ) c.write(Arrays.copyOf(buf, n));
      } catch (IOException e) {
        // the client went away
      }
      c.eof();
    });
    StreamExit exit = c.awaitExit();
    c.assertClean();
    out.flush();
    System.exit(exit.exitCode() == null ? 3 : exit.exitCode());
  }
}
