package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryYamlConfig;
import com.hazelcast.config.KubernetesConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The operations files under ops/, checked by the tools that read them: the Kubernetes manifests against the API's
 * schemas and Hazelcast's own parser, the compose file by docker-compose, the systemd unit by systemd-analyze, the
 * installer in --prefix and --dry-run modes, and the launchers with Debian's Java 17 first on PATH. The tools are
 * installed by ops/respool test (kubernetes-models with npm, docker-compose and systemd from Debian).
 */
class OpsFilesIT {
  static final Path ROOT = JarProcessesIT.ROOT;

  record Result(int exit, String out) {}

  static Result sh(Map<String, String> env, List<String> unset, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
    unset.forEach(pb.environment()::remove);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("%s finished", List.of(cmd)).isTrue();
    return new Result(p.exitValue(), out);
  }

  static Result sh(String... cmd) throws Exception {
    return sh(Map.of(), List.of(), cmd);
  }

  @Test
  void kubernetesManifestsMatchTheApiSchemasAndHazelcastReadsItsKubernetesDiscovery() throws Exception {
    List<String> cmd = new ArrayList<>(List.of("node", "ops/k8s/validate/validate.mjs"));
    try (Stream<Path> files = Files.list(ROOT.resolve("ops/k8s"))) {
      files.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(f -> cmd.add(f.toString()));
    }
    Result r = sh(cmd.toArray(String[]::new));
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out()).contains("valid ", "StatefulSet respool-gateway", "PodDisruptionBudget respool-gateway", "Service respool-gateway-cluster",
        "ConfigMap respool-gateway", "Secret respool-gateway", "7 passed, 0 failed");

    // the same validator refuses a broken document (so a pass means something)
    Path bad = Files.createTempFile("respool-bad-", ".yaml");
    Files.writeString(bad, "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: x}\nspec:\n  serviceName: x\n  selector: {}\n"
        + "  template: {spec: {containers: [{name: a, image: b, readinessProbe: {httpGet: {path: /ready}}}]}}\n");
    Result broken = sh("node", "ops/k8s/validate/validate.mjs", bad.toString());
    assertThat(broken.exit()).isNotZero();
    assertThat(broken.out()).contains("INVALID", "port");

    // the StatefulSet: readiness on /ready, liveness on /health, the pod's own address for the cluster
    String sts = Files.readString(ROOT.resolve("ops/k8s/30-statefulset.yaml"));
    Map<String, Object> set = new Yaml().load(sts.split("\n---\n")[0]);
    Map<String, Object> container = containers(set).get(0);
    assertThat(path(container, "readinessProbe", "httpGet", "path")).isEqualTo("/ready");
    assertThat(path(container, "livenessProbe", "httpGet", "path")).isEqualTo("/health");
    assertThat(container.get("env").toString()).contains("RESPOOL_CLUSTER_HOST", "status.podIP");

    // the ConfigMap's hazelcast.yaml, as Hazelcast itself reads it: Kubernetes discovery through the headless service
    String cm = Files.readString(ROOT.resolve("ops/k8s/10-config.yaml"));
    Map<String, Object> configMap = new Yaml().load(cm.split("\n---\n")[0]);
    @SuppressWarnings("unchecked")
    Map<String, String> data = (Map<String, String>) configMap.get("data");
    assertThat(data).containsEntry("RESPOOL_CLUSTER", "true").containsEntry("RESPOOL_CLUSTER_CONFIG", "/etc/respool/hazelcast.yaml");
    Config hz = new InMemoryYamlConfig(data.get("hazelcast.yaml"));
    KubernetesConfig k8s = hz.getNetworkConfig().getJoin().getKubernetesConfig();
    assertThat(k8s.isEnabled()).isTrue();
    assertThat(k8s.getProperty("service-dns")).isEqualTo("respool-gateway-cluster.respool.svc.cluster.local");
    assertThat(hz.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
    assertThat(hz.getClusterName()).isEqualTo("respool");
  }

  @Test
  void composeFileIsAThreeNodeClusterWithPostgresAndRedisAndNeedsItsSecrets() throws Exception {
    Map<String, String> secrets = Map.of("RESPOOL_PG_PASSWORD", "test-only", "RESPOOL_JWT_SECRET", "test-only-test-only-test-only-0123");
    Result r = sh(secrets, List.of(), "docker-compose", "-f", "ops/compose/docker-compose.yml", "config");
    assertThat(r.exit()).as(r.out()).isZero();
    Map<String, Object> resolved = new Yaml().load(r.out());
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) resolved.get("services");
    assertThat(services).containsOnlyKeys("postgres", "redis", "gateway1", "gateway2", "gateway3");
    for (String node : List.of("gateway1", "gateway2", "gateway3")) {
      String env = services.get(node).get("environment").toString();
      assertThat(env).contains("RESPOOL_PG_URL=postgresql://respool:test-only@postgres:5432/respool", "RESPOOL_REDIS_URL=redis://redis:6379",
          "RESPOOL_CLUSTER=true", "RESPOOL_CLUSTER_MEMBERS=gateway1:5701,gateway2:5701,gateway3:5701", "RESPOOL_NODE_ID=" + node);
    }
    // no password, no cluster: the file refuses rather than start with a default secret
    Result missing = sh(Map.of(), List.of("RESPOOL_PG_PASSWORD", "RESPOOL_JWT_SECRET"), "docker-compose", "-f", "ops/compose/docker-compose.yml", "config");
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.out()).contains("RESPOOL_PG_PASSWORD");
  }

  @Test
  void installerLaysOutTheWorkerAndItsUnitWhichSystemdAccepts() throws Exception {
    Path prefix = Files.createTempDirectory("respool-install-");
    Result r = sh("bash", "ops/install-host-worker.sh", "--prefix", prefix.toString(), "--gateway", "ws://127.0.0.1:8080", "--region", "eu-west");
    assertThat(r.exit()).as(r.out()).isZero();
    Path unit = prefix.resolve("etc/systemd/system/respool-host-worker.service");
    assertThat(prefix.resolve("opt/respool/lib/respool-host-worker.jar")).exists();
    assertThat(prefix.resolve("opt/respool/lib/java.sh")).exists();
    assertThat(Files.isExecutable(prefix.resolve("opt/respool/bin/respool-host-worker"))).isTrue();
    assertThat(Files.readString(prefix.resolve("etc/respool/host-worker.env"))).contains("RESPOOL_GATEWAY=ws://127.0.0.1:8080", "RESPOOL_REGION=eu-west");
    String text = Files.readString(unit);
    assertThat(text).contains("RestartPreventExitStatus=2", "Restart=on-failure", "ExecStart=/opt/respool/bin/respool-host-worker",
        "EnvironmentFile=-/etc/respool/host-worker.env");

    // systemd's own check, with ExecStart pointing into the prefix (the unit names the installed path)
    Path check = Files.createTempDirectory("respool-unit-").resolve("respool-host-worker.service");
    Files.writeString(check, text.replace("/opt/respool/", prefix.resolve("opt/respool") + "/"));
    Result verify = sh("systemd-analyze", "verify", "--man=no", "--recursive-errors=no", check.toString());
    assertThat(verify.exit()).as(verify.out()).isZero();
    Files.writeString(check, text.replace("/opt/respool/", prefix.resolve("opt/respool") + "/").replace("RestartPreventExitStatus=", "RestartPreventExitStatuz="));
    assertThat(sh("systemd-analyze", "verify", "--man=no", "--recursive-errors=no", check.toString()).exit()).as("a misspelt key fails").isNotZero();

    // the installed launcher runs the jar with a Java >= 21 even with Java 17 first on PATH and no JAVA_HOME
    Result help = sh(Map.of("PATH", "/usr/bin:/bin"), List.of("JAVA_HOME"), prefix.resolve("opt/respool/bin/respool-host-worker").toString(), "--help");
    assertThat(help.exit()).as(help.out()).isZero();
    assertThat(help.out()).contains("Usage: respool-host-worker", "--gateway").doesNotContain("UnsupportedClassVersionError");

    // --dry-run says what it would do and changes nothing
    Path empty = Files.createTempDirectory("respool-dry-");
    Result dry = sh("bash", "ops/install-host-worker.sh", "--prefix", empty.toString(), "--dry-run");
    assertThat(dry.exit()).as(dry.out()).isZero();
    assertThat(dry.out()).contains("would: install", "respool-host-worker.service");
    try (Stream<Path> left = Files.list(empty)) {
      assertThat(left).isEmpty();
    }
    Result refused = sh("bash", "ops/install-host-worker.sh", "--prefix", empty.toString(), "--gateway", "http://nope");
    assertThat(refused.exit()).isEqualTo(2);
  }

  @Test
  void launchersFindAJava21WhateverJavaIsOnPath() throws Exception {
    Result java = sh(Map.of("PATH", "/usr/bin:/bin"), List.of("JAVA_HOME"), "java", "-version");
    for (String launcher : List.of("ops/bin/respool-gateway", "ops/bin/respool-host-worker")) {
      Result r = sh(Map.of("PATH", "/usr/bin:/bin"), List.of("JAVA_HOME"), launcher, "--help");
      assertThat(r.exit()).as(launcher + " with " + java.out()).isZero();
      assertThat(r.out()).contains("Usage: respool-").doesNotContain("UnsupportedClassVersionError");
    }
    if (java.out().contains("version \"17")) { // what a new user meets with Debian's default java: the plain command fails
      Result plain = sh(Map.of("PATH", "/usr/bin:/bin"), List.of("JAVA_HOME"), "java", "-jar", "gateway/target/respool-gateway.jar", "--help");
      assertThat(plain.out()).contains("UnsupportedClassVersionError");
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> containers(Map<String, Object> statefulSet) {
    return (List<Map<String, Object>>) path(statefulSet, "spec", "template", "spec", "containers");
  }

  @SuppressWarnings("unchecked")
  private static Object path(Map<String, Object> m, String... keys) {
    Object o = m;
    for (String k : keys) o = ((Map<String, Object>) o).get(k);
    return o;
  }
}
