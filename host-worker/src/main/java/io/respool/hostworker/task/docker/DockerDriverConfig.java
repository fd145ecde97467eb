package io.respool.hostworker.task.docker;

import java.net.URI;
import java.time.Duration;

/**
 * How {@link DockerTaskDriver} reaches dockerd and what the host offers. The constructor throws
 * {@link IllegalArgumentException} with a message fit for the operator.
 *
 * @param dockerHost the engine's address, {@code unix:///var/run/docker.sock} or {@code tcp://host:2375}
 * @param hostGpus GPUs this host can pass to containers; a task asking for more is refused
 * @param publishAddress host address published container ports bind to
 * @param registry credentials for pulling private images, or null for anonymous pulls
 * @param pullTimeout longest an image pull may take before the start is abandoned
 * @param owner the worker's host id, labelled on its containers so that {@code recover()} finds only
 *     this worker's tasks when several share one engine; null to label and recover all
 */
public record DockerDriverConfig(String dockerHost, int hostGpus, String publishAddress, RegistryAuth registry, Duration pullTimeout,
    String owner) {

  public static final String DEFAULT_PUBLISH_ADDRESS = "127.0.0.1";
  public static final Duration DEFAULT_PULL_TIMEOUT = Duration.ofMinutes(10);

  /** Registry login; {@code server} null means Docker Hub. */
  public record RegistryAuth(String server, String username, String password) {
    public RegistryAuth {
      if (username == null || username.isBlank() || password == null) throw new IllegalArgumentException("registry username and password are required");
    }

    @Override
    public String toString() { return "RegistryAuth[server=" + server + ", username=" + username + ", password=***]"; }
  }

  public DockerDriverConfig {
    if (dockerHost == null || dockerHost.isBlank()) throw new IllegalArgumentException("docker host is required (e.g. unix:///var/run/docker.sock)");
    String scheme = URI.create(dockerHost).getScheme();
    if (!"unix".equals(scheme) && !"tcp".equals(scheme)) throw new IllegalArgumentException("docker host '" + dockerHost + "' must be a unix:// or tcp:// address");
    if (hostGpus < 0) throw new IllegalArgumentException("host GPUs must not be negative");
    if (publishAddress == null || publishAddress.isBlank()) publishAddress = DEFAULT_PUBLISH_ADDRESS;
    if (pullTimeout == null) pullTimeout = DEFAULT_PULL_TIMEOUT;
    if (pullTimeout.isNegative() || pullTimeout.isZero()) throw new IllegalArgumentException("pull timeout must be positive");
  }

  /** Anonymous pulls, ports published on loopback, containers of any owner. */
  public DockerDriverConfig(String dockerHost, int hostGpus) {
    this(dockerHost, hostGpus, DEFAULT_PUBLISH_ADDRESS, null, DEFAULT_PULL_TIMEOUT, null);
  }

  /** Anonymous pulls, ports published on loopback, this worker's containers only. */
  public static DockerDriverConfig forWorker(String dockerHost, int hostGpus, String hostId) {
    return new DockerDriverConfig(dockerHost, hostGpus, DEFAULT_PUBLISH_ADDRESS, null, DEFAULT_PULL_TIMEOUT, hostId);
  }
}
