package io.respool.gateway.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.FileSystemYamlConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.respool.gateway.config.GatewayConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Hazelcast membership for {@code --cluster}: TCP/IP join with an explicit member list (multicast
 * and auto-detection off), or a complete Hazelcast file (e.g. Kubernetes discovery) from
 * {@code clusterConfig}.
 */
public final class Clustering {
  private Clustering() {}

  public static HazelcastClusterManager manager(GatewayConfig c) {
    Config hz;
    if (c.clusterConfig() != null) {
      try {
        String f = c.clusterConfig().toString();
        hz = f.endsWith(".yaml") || f.endsWith(".yml") ? new FileSystemYamlConfig(f) : new FileSystemXmlConfig(f);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    } else {
      hz = ConfigUtil.loadConfig();
      hz.setClusterName("respool");
      hz.setProperty("hazelcast.local.localAddress", c.clusterHost());
      NetworkConfig net = hz.getNetworkConfig().setPort(c.clusterPort()).setPortAutoIncrement(false);
      net.getInterfaces().setEnabled(false);
      JoinConfig join = net.getJoin();
      join.getMulticastConfig().setEnabled(false);
      join.getAutoDetectionConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true).setMembers(c.clusterMembers().isEmpty()
          ? java.util.List.of(c.clusterHost() + ":" + c.clusterPort()) : c.clusterMembers());
    }
    hz.setProperty("hazelcast.wait.seconds.before.join", "1");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    return new HazelcastClusterManager(hz);
  }
}
