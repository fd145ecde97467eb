package io.respool.gateway.discovery;

import io.respool.protocol.host.Discovery;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces this gateway node on the LAN over mDNS as {@link Discovery#SERVICE_TYPE}, so a host-worker started without
 * {@code --gateway} finds it. JmDNS answers queries on its own threads; {@link #close} says goodbye (TTL 0).
 */
public final class MdnsAnnouncer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MdnsAnnouncer.class);
  private final JmDNS mdns;

  private MdnsAnnouncer(JmDNS mdns) { this.mdns = mdns; }

  /** Announces {@code nodeId} serving host connections on {@code port}, on the interface holding {@code address}. */
  public static MdnsAnnouncer start(InetAddress address, String nodeId, int port) throws IOException {
    JmDNS mdns = JmDNS.create(address, "respool-" + nodeId);
    try {
      ServiceInfo info = ServiceInfo.create(Discovery.SERVICE_TYPE, "ResPool gateway " + nodeId, port, 0, 0,
          Map.of(Discovery.TXT_PATH, Discovery.CONNECT_PATH, Discovery.TXT_SCHEME, "ws", Discovery.TXT_NODE, nodeId));
      mdns.registerService(info);
      LOG.info("announcing {} on {} port {} over mDNS", Discovery.SERVICE_TYPE, address.getHostAddress(), port);
      return new MdnsAnnouncer(mdns);
    } catch (IOException | RuntimeException e) {
      mdns.close();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    mdns.unregisterAllServices();
    mdns.close();
  }
}
