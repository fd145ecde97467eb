package io.respool.gateway.terminal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.respool.protocol.RespoolException;
import io.respool.protocol.stream.StreamExit;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of the terminal WebSocket: paths, credentials, the query and Kubernetes' status. */
class TerminalSocketTest {
  @Test
  void pathsNameTheBooking() {
    assertThat(TerminalSocket.bookingId("/v1/bookings/bk_abc123/terminal")).isEqualTo("bk_abc123");
    assertThat(TerminalSocket.bookingId("/v1/bookings/bk_abc123/terminal/x")).isNull();
    assertThat(TerminalSocket.bookingId("/v1/bookings//terminal")).isNull();
  }

  @Test
  void theTokenComesFromTheHeaderOrASubprotocol() {
    String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
    String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(jwt.getBytes(StandardCharsets.UTF_8));
    assertThat(TerminalSocket.authorization(MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer x"))).isEqualTo("Bearer x");
    assertThat(TerminalSocket.authorization(MultiMap.caseInsensitiveMultiMap()
        .add("Sec-WebSocket-Protocol", "v5.channel.k8s.io, base64url.bearer.authorization.k8s.io." + b64))).isEqualTo("Bearer " + jwt);
    assertThat(TerminalSocket.authorization(MultiMap.caseInsensitiveMultiMap()
        .add("Sec-WebSocket-Protocol", "base64url.bearer.authorization.k8s.io." + jwt))).as("taken as it is").isEqualTo("Bearer " + jwt);
    assertThat(TerminalSocket.authorization(MultiMap.caseInsensitiveMultiMap().add("Sec-WebSocket-Protocol", "v5.channel.k8s.io"))).isNull();
  }

  @Test
  void theQuerySaysWhatRuns() {
    TerminalSocket.Query q = TerminalSocket.Query.parse(MultiMap.caseInsensitiveMultiMap().add("command", "sh").add("command", "-c")
        .add("command", "echo hi").add("tty", "true").add("replica", "2"));
    assertThat(q.command()).containsExactly("sh", "-c", "echo hi");
    assertThat(q.tty()).isTrue();
    assertThat(q.stdin()).isTrue();
    assertThat(q.replica()).isEqualTo(2);
    assertThat(q.kind()).isEqualTo(TerminalSession.Kind.EXEC);
    assertThat(TerminalSocket.Query.parse(MultiMap.caseInsensitiveMultiMap()).kind()).isEqualTo(TerminalSession.Kind.SHELL);
    for (String[] bad : List.of(new String[] {"tty", "maybe"}, new String[] {"replica", "-1"}, new String[] {"replica", "x"})) {
      assertThatThrownBy(() -> TerminalSocket.Query.parse(MultiMap.caseInsensitiveMultiMap().add(bad[0], bad[1])))
          .isInstanceOf(RespoolException.class);
    }
  }

  @Test
  void theStatusIsKubernetes() {
    assertThat(TerminalSocket.status(StreamExit.code(0)).encode()).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
    assertThat(TerminalSocket.status(StreamExit.code(3)).encode()).isEqualTo("{\"metadata\":{},\"status\":\"Failure\","
        + "\"message\":\"command terminated with non-zero exit code: 3\",\"reason\":\"NonZeroExitCode\","
        + "\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"3\"}]}}");
    assertThat(TerminalSocket.status(StreamExit.ofCode(137)).getString("message")).endsWith("137 (SIGKILL)");
    assertThat(TerminalSocket.status(StreamExit.failed("no such file")).getString("reason")).isEqualTo("InternalError");
    assertThat(TerminalSocket.cut("é".repeat(100)).getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(120);
  }
}
