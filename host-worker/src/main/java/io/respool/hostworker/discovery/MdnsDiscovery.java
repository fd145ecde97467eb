package io.respool.hostworker.discovery;

import io.respool.protocol.host.Discovery;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;

/**
 * Finds gateways announced on the LAN ({@link Discovery#SERVICE_TYPE}) for a worker started without {@code --gateway}:
 * browses on the interface holding {@code address} and returns as soon as one resolves (or empty after the wait).
 */
public final class MdnsDiscovery {
  private MdnsDiscovery() {}

  /** The control URLs of the gateways that answered within {@code wait}, first found first. */
  public static List<URI> find(InetAddress address, Duration wait) throws IOException, InterruptedException {
    Set<URI> found = java.util.Collections.synchronizedSet(new LinkedHashSet<>());
    CountDownLatch first = new CountDownLatch(1);
    try (JmDNS mdns = JmDNS.create(address, "respool-worker")) {
      mdns.addServiceListener(Discovery.SERVICE_TYPE, new ServiceListener() {
        @Override
        public void serviceAdded(ServiceEvent e) { mdns.requestServiceInfo(e.getType(), e.getName(), 1000); }

        @Override
        public void serviceRemoved(ServiceEvent e) {}

        @Override
        public void serviceResolved(ServiceEvent e) {
          found.addAll(urls(e.getInfo()));
          if (!found.isEmpty()) first.countDown();
        }
      });
      first.await(wait.toMillis(), TimeUnit.MILLISECONDS);
      synchronized (found) {
        return new ArrayList<>(found);
      }
    }
  }

  /** The {@code ws(s)://address:port/path} URLs of one announcement (IPv4 first). */
  static List<URI> urls(ServiceInfo info) {
    String scheme = "wss".equals(info.getPropertyString(Discovery.TXT_SCHEME)) ? "wss" : "ws";
    String path = info.getPropertyString(Discovery.TXT_PATH);
    if (path == null || !path.startsWith("/")) path = Discovery.CONNECT_PATH;
    List<URI> urls = new ArrayList<>();
    List<InetAddress> addresses = new ArrayList<>(List.of(info.getInet4Addresses()));
    addresses.addAll(List.of(info.getInet6Addresses()));
    for (InetAddress a : addresses) {
      String host = a instanceof Inet4Address ? a.getHostAddress() : "[" + a.getHostAddress().replaceAll("%.*", "") + "]";
      try {
        urls.add(new URI(scheme + "://" + host + ":" + info.getPort() + path));
      } catch (URISyntaxException e) {
        // an address we cannot write as a URL is skipped
      }
    }
    return urls;
  }
}
