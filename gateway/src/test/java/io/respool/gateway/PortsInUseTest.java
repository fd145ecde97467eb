package io.respool.gateway;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.respool.gateway.testing.GatewayNodes;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A gateway whose port is taken does not start, says which port, and leaves nothing listening. */
class PortsInUseTest {
  static ServerSocket taken() throws Exception {
    return new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
  }

  @Test
  void theSshPortIsBoundBeforeTheApiSoATakenOneStopsTheStartBeforeAnythingAnswers() throws Exception {
    try (ServerSocket ssh = taken(); ServerSocket api = taken()) {
      // both taken: the start fails on the SSH port, so the API's port was not tried yet
      assertThatThrownBy(() -> GatewayNodes.start(Map.of("port", Integer.toString(api.getLocalPort()), "sshPort", Integer.toString(ssh.getLocalPort()))))
          .isInstanceOf(BindException.class)
          .hasMessage("the SSH port 127.0.0.1:" + ssh.getLocalPort() + " is in use (sshPort, --ssh-port; 0 turns SSH off)");
    }
  }

  @Test
  void aTakenApiPortSaysSoAndTheSshEndpointAlreadyListeningIsClosed() throws Exception {
    int sshPort;
    try (ServerSocket probe = taken()) {
      sshPort = probe.getLocalPort();
    }
    try (ServerSocket api = taken()) {
      assertThatThrownBy(() -> GatewayNodes.start(Map.of("port", Integer.toString(api.getLocalPort()), "sshPort", Integer.toString(sshPort))))
          .isInstanceOf(BindException.class)
          .hasMessage("the HTTP port 127.0.0.1:" + api.getLocalPort() + " is in use (port, --port)");
    }
    // the SSH endpoint that listened before the edge failed is closed: its port is free again
    new ServerSocket(sshPort, 50, InetAddress.getByName("127.0.0.1")).close();
  }
}
