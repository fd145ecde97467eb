package io.respool.protocol.host;

/**
 * How host-workers find a gateway on their LAN (seed 001's {@code _resourcepool._tcp}): a gateway announces this
 * DNS-SD service over mDNS, its port the HTTP/WebSocket port, with TXT entries naming the control path and scheme.
 */
public final class Discovery {
  /** The DNS-SD service type, fully qualified as mDNS wants it. */
  public static final String SERVICE_TYPE = "_resourcepool._tcp.local.";
  /** TXT key: the path of the host control WebSocket. */
  public static final String TXT_PATH = "path";
  /** TXT key: {@code ws} or {@code wss}. */
  public static final String TXT_SCHEME = "scheme";
  /** TXT key: the announcing node's id. */
  public static final String TXT_NODE = "node";
  /** The control path a gateway serves. */
  public static final String CONNECT_PATH = "/v1/hosts/connect";

  private Discovery() {}
}
