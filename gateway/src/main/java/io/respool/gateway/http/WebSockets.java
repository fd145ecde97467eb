package io.respool.gateway.http;

import io.respool.protocol.host.HostFrames;
import io.vertx.core.Handler;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every server WebSocket of the gateway does on a transport error. */
public final class WebSockets {
  private static final Logger LOG = LoggerFactory.getLogger(WebSockets.class);
  private static final short MESSAGE_TOO_BIG = 1009;

  private WebSockets() {}

  /**
   * Vert.x drops an over-long message and reports it here without closing; we close with 1009 so
   * the peer learns why instead of waiting on an answer that never comes.
   */
  public static Handler<Throwable> closeOnError(ServerWebSocket ws) {
    return err -> {
      String m = String.valueOf(err.getMessage());
      if (m.contains("max message size") || m.contains("max frame")) {
        if (!ws.isClosed()) ws.close(MESSAGE_TOO_BIG, "message larger than " + HostFrames.MAX_FRAME_BYTES + " bytes");
      } else {
        LOG.debug("websocket {} error: {}", ws.path(), m);
      }
    };
  }
}
