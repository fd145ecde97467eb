package io.respool.hostworker;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.respool.protocol.crypto.Base58;
import io.respool.protocol.crypto.Ed25519;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.host.HostFrames;
import io.respool.protocol.host.Inventory;
import io.respool.protocol.host.Payout;
import io.respool.protocol.host.Prices;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.junit5.VertxExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The worker's control connection against a real WebSocket peer on loopback that checks signatures. */
@ExtendWith(VertxExtension.class)
class ControlConnectionTest {
  private static final long T = 10; // seconds any single expectation may take
  private static final Prices PRICES = new Prices("USDC", 20_000, 5_000, 100, Map.of("RTX 4090", 400_000L));

  @TempDir Path home;
  private Vertx vertx;
  private TestGateway gateway;

  @BeforeEach
  void startGateway(Vertx vertx) {
    this.vertx = vertx; // VertxExtension closes it after each test: workers are undeployed, the server closed
    gateway = new TestGateway(vertx).start();
  }

  @Test
  void registersWithAVerifiedSignatureThenHeartbeatsWithIncreasingSeqWhileAcked() throws Exception {
    ControlConnection worker = deploy(worker(List.of(gateway.url()), () -> inventory(100)));

    Registration registration = worker.registration(1).await(T, SECONDS);
    TestGateway.Peer peer = gateway.registration(1).await(T, SECONDS);
    URI connectUrl = URI.create(gateway.url() + "/v1/hosts/connect");
    assertThat(registration.hostId()).isEqualTo(peer.hostId).isEqualTo(new HostKeyStore(home).loadOrCreate().publicKeyBase58());
    assertThat(registration.sessionId()).isEqualTo(peer.sessionId);
    assertThat(registration.url()).isEqualTo(connectUrl);
    assertThat(worker.currentUrl()).isEqualTo(connectUrl);

    HostFrame.Register register = peer.received(HostFrame.Register.class).getFirst();
    assertThat(register.host().region()).isEqualTo("eu-west");
    assertThat(register.host().prices()).isEqualTo(PRICES);
    assertThat(register.host().inventory()).isEqualTo(inventory(100));
    assertThat(register.host().agentVersion()).isEqualTo("test");

    // 5 heartbeats on one socket also prove the acks are read: unacked, the worker gives up after 3
    List<HostFrame.Heartbeat> beats = peer.frames(HostFrame.Heartbeat.class, 5).await(T, SECONDS);
    assertThat(beats).extracting(HostFrame.Heartbeat::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(beats).extracting(HostFrame.Heartbeat::hostId).containsOnly(peer.hostId);
    assertThat(gateway.peers()).hasSize(1);
    assertThat(worker.registrationCount()).isEqualTo(1);
  }

  @Test
  void answersPingWithPong() throws Exception {
    deploy(worker(List.of(gateway.url()), () -> inventory(100)));
    TestGateway.Peer peer = gateway.registration(1).await(T, SECONDS);

    peer.send(new HostFrame.Ping("p-42"));

    assertThat(peer.frames(HostFrame.Pong.class, 1).await(T, SECONDS)).containsExactly(new HostFrame.Pong("p-42"));
  }

  @Test
  void thePeerRefusesAForgedOrMismatchedChallengeAnswer() throws Exception {
    Ed25519.Keys mine = Ed25519.generate();
    Ed25519.Keys other = Ed25519.generate();
    // signed over another nonce
    assertRefused(c -> register(mine.publicKeyBase58(), c.nonce(), mine.sign(bytes(mine.publicKeyBase58(), "not-" + c.nonce()))));
    // claims someone else's host id
    assertRefused(c -> register(other.publicKeyBase58(), c.nonce(), mine.sign(bytes(other.publicKeyBase58(), c.nonce()))));
    // answers a nonce it was never given, correctly signed
    assertRefused(c -> register(mine.publicKeyBase58(), "replayed", mine.sign(bytes(mine.publicKeyBase58(), "replayed"))));
    assertThat(gateway.registration(1).isComplete()).isFalse();
  }

  @Test
  void failsOverToTheNextGatewayWhenTheFirstRefusesConnections() throws Exception {
    URI dead = URI.create("ws://127.0.0.1:" + freePort());
    ControlConnection worker = deploy(worker(List.of(dead, gateway.url()), () -> inventory(100)));

    Registration registration = worker.registration(1).await(T, SECONDS);

    URI live = URI.create(gateway.url() + "/v1/hosts/connect");
    assertThat(registration.url()).isEqualTo(live);
    assertThat(worker.currentUrl()).isEqualTo(live);
  }

  @Test
  void reconnectsAndRegistersAgainAsTheSameHostWhenTheGatewayClosesTheSocket() throws Exception {
    ControlConnection worker = deploy(worker(List.of(gateway.url()), () -> inventory(100)));
    Registration first = worker.registration(1).await(T, SECONDS);
    TestGateway.Peer firstPeer = gateway.registration(1).await(T, SECONDS);

    firstPeer.ws.close();

    Registration second = worker.registration(2).await(T, SECONDS);
    TestGateway.Peer secondPeer = gateway.registration(2).await(T, SECONDS);
    assertThat(second.hostId()).isEqualTo(first.hostId()).isEqualTo(secondPeer.hostId);
    assertThat(second.sessionId()).isNotEqualTo(first.sessionId());
    assertThat(secondPeer.number).isEqualTo(2);
    // sequence numbers are per connection
    assertThat(secondPeer.frames(HostFrame.Heartbeat.class, 1).await(T, SECONDS).getFirst().seq()).isEqualTo(1);
  }

  @Test
  void declaresTheConnectionDeadAfterThreeUnackedHeartbeatsAndReconnects() throws Exception {
    gateway.acksHeartbeats = connection -> connection != 1;
    ControlConnection worker = deploy(worker(List.of(gateway.url()), () -> inventory(100)));

    TestGateway.Peer silent = gateway.registration(1).await(T, SECONDS);
    TestGateway.Peer next = gateway.registration(2).await(T, SECONDS);
    silent.closed().await(T, SECONDS);

    // the close arrives after every frame of that socket, so this count is final
    assertThat(silent.received(HostFrame.Heartbeat.class)).extracting(HostFrame.Heartbeat::seq).containsExactly(1L, 2L, 3L);
    assertThat(next.hostId).isEqualTo(silent.hostId);
    assertThat(worker.registration(2).await(T, SECONDS).sessionId()).isEqualTo(next.sessionId);
    // acked again, the new connection lives past 3 heartbeats
    assertThat(next.frames(HostFrame.Heartbeat.class, 4).await(T, SECONDS)).hasSize(4);
    assertThat(gateway.peers()).hasSize(2);
  }

  @Test
  void retriesWhenTheGatewayRefusesTheRegistration() throws Exception {
    gateway.refusesRegistration = connection -> connection <= 2;
    ControlConnection worker = deploy(worker(List.of(gateway.url()), () -> inventory(100)));

    Registration registration = worker.registration(1).await(T, SECONDS);

    assertThat(gateway.registration(1).await(T, SECONDS).number).isEqualTo(3);
    assertThat(registration.sessionId()).isEqualTo("s-3");
    List<TestGateway.Peer> peers = gateway.peers();
    assertThat(peers.get(0).received(HostFrame.Register.class)).hasSize(1);
    assertThat(peers.get(1).received(HostFrame.Register.class)).hasSize(1);
  }

  @Test
  void reportsResourcesOnlyWhenTheInventoryChanges() throws Exception {
    SettableProbe probe = new SettableProbe(inventory(100));
    ControlConnection worker = deploy(worker(List.of(gateway.url()), probe));
    worker.registration(1).await(T, SECONDS);
    TestGateway.Peer peer = gateway.registration(1).await(T, SECONDS);
    assertThat(peer.received(HostFrame.Register.class).getFirst().host().inventory()).isEqualTo(inventory(100));

    // Probes run one after another, so once call n+2 has begun, call n+1 (which began after the
    // registration) has been handled. An unchanged inventory must send nothing; frames on a socket
    // are ordered, so a wrong report would arrive before the ones awaited below.
    probe.awaitCalls(probe.calls() + 2);
    probe.set(inventory(90));
    List<HostFrame.Resources> first = peer.frames(HostFrame.Resources.class, 1).await(T, SECONDS);
    assertThat(first.getFirst().inventory()).isEqualTo(inventory(90));
    assertThat(first.getFirst().hostId()).isEqualTo(peer.hostId);

    probe.awaitCalls(probe.calls() + 2);
    probe.set(inventory(80));
    List<HostFrame.Resources> reports = peer.frames(HostFrame.Resources.class, 2).await(T, SECONDS);
    assertThat(reports).extracting(HostFrame.Resources::inventory).containsExactly(inventory(90), inventory(80));
  }

  @Test
  void sendsAResourcesReportAgainWhenTheGatewayCouldNotStoreIt() throws Exception {
    gateway.refusedResources.set(1);
    SettableProbe probe = new SettableProbe(inventory(100));
    ControlConnection worker = deploy(worker(List.of(gateway.url()), probe));
    worker.registration(1).await(T, SECONDS);
    TestGateway.Peer peer = gateway.registration(1).await(T, SECONDS);

    probe.set(inventory(90));

    assertThat(peer.frames(HostFrame.Resources.class, 2).await(T, SECONDS))
        .extracting(HostFrame.Resources::inventory).containsExactly(inventory(90), inventory(90));
  }

  @Test
  void stopClosesTheSocketWithNormalClosure() throws Exception {
    ControlConnection worker = worker(List.of(gateway.url()), () -> inventory(100));
    String deployment = vertx.deployVerticle(worker).await(T, SECONDS);
    TestGateway.Peer peer = gateway.registration(1).await(T, SECONDS);

    vertx.undeploy(deployment).await(T, SECONDS);

    assertThat(peer.closed().await(T, SECONDS)).isEqualTo((short) 1000);
    assertThat(worker.currentUrl()).isNull();
  }

  @Test
  void keepsItsHostIdAcrossARestart() throws Exception {
    ControlConnection before = worker(List.of(gateway.url()), () -> inventory(100));
    String deployment = vertx.deployVerticle(before).await(T, SECONDS);
    String id = before.registration(1).await(T, SECONDS).hostId();
    vertx.undeploy(deployment).await(T, SECONDS);

    ControlConnection after = deploy(worker(List.of(gateway.url()), () -> inventory(100))); // loads the key again

    assertThat(after.registration(1).await(T, SECONDS).hostId()).isEqualTo(id);
    assertThat(gateway.registration(2).await(T, SECONDS).hostId).isEqualTo(id);
  }

  private ControlConnection worker(List<URI> gateways, InventoryProbe probe) {
    HostWorkerConfig config = new HostWorkerConfig(gateways, home, "eu-west", PRICES, new Payout(null, null), Duration.ofMillis(20))
        .withBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
    return new ControlConnection(config, new HostKeyStore(home).loadOrCreate(),
        new InventoryWatcher(vertx, probe, config.resourcesInterval()),
        new Backoff(config.backoffBase(), config.backoffCap(), new SplittableRandom(7)), "test",
        new io.respool.hostworker.task.TaskRunner(vertx, java.util.Map.of(), s -> { }));
  }

  private ControlConnection deploy(ControlConnection worker) throws Exception {
    vertx.deployVerticle(worker).await(T, SECONDS);
    return worker;
  }

  private Inventory inventory(long storageGb) {
    return new Inventory(4, 8, "Test CPU", 16_384, storageGb, List.of(new Inventory.Disk("/", 500, storageGb)), List.of(), "Linux", "x86_64");
  }

  /** Connects by hand, answers the challenge with {@code forge}, and expects an error and a close. */
  private void assertRefused(Function<HostFrame.Challenge, HostFrame.Register> forge) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient();
    Promise<HostFrame> answer = Promise.promise();
    Promise<Short> closed = Promise.promise();
    // handlers are set on the event loop that completes the connect, before any frame is read
    vertx.runOnContext(v -> client.connect(gateway.url().getPort(), "127.0.0.1", HostWorkerConfig.CONNECT_PATH)
        .onFailure(answer::tryFail)
        .onSuccess(ws -> {
          ws.closeHandler(x -> closed.tryComplete(ws.closeStatusCode()));
          ws.textMessageHandler(text -> {
            HostFrame frame = HostFrames.decode(text);
            if (frame instanceof HostFrame.Challenge c) ws.writeTextMessage(HostFrames.encode(forge.apply(c)));
            else answer.tryComplete(frame);
          });
        }));
    assertThat(answer.future().await(T, SECONDS)).isInstanceOfSatisfying(HostFrame.Error.class,
        e -> assertThat(e.code()).isEqualTo("unauthorized"));
    assertThat(closed.future().await(T, SECONDS)).isEqualTo((short) 1008);
    client.close().await(T, SECONDS);
  }

  private HostFrame.Register register(String hostId, String nonce, byte[] signature) {
    return new HostFrame.Register("r-1", hostId, nonce, Base58.encode(signature),
        new HostWorkerConfig(List.of(gateway.url()), home, "eu-west", PRICES, null, Duration.ofSeconds(1)).hostInfo(inventory(1), "test", List.of()));
  }

  private byte[] bytes(String hostId, String nonce) {
    return HostFrame.Register.signingText(hostId, nonce).getBytes(StandardCharsets.UTF_8);
  }

  private int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort(); // closed on return: connections to it are refused
    }
  }

  /** Returns the inventory last set, and counts its calls so a test can wait for probes to have run. */
  private static final class SettableProbe implements InventoryProbe {
    private Inventory next; // guarded by this
    private int calls; // guarded by this

    SettableProbe(Inventory first) { next = first; }

    synchronized void set(Inventory inventory) { next = inventory; }

    synchronized int calls() { return calls; }

    @Override
    public synchronized Inventory probe() {
      calls++;
      notifyAll();
      return next;
    }

    synchronized void awaitCalls(int n) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(T).toNanos();
      while (calls < n) {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new AssertionError("the probe ran " + calls + " times, expected " + n);
        wait(Math.max(1, left / 1_000_000));
      }
    }
  }
}
