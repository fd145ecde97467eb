package io.respool.hostworker;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.respool.protocol.crypto.Base58;
import io.respool.protocol.crypto.Ed25519;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.host.HostFrames;
import io.respool.protocol.stream.StreamFrame;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * The gateway's side of the host control protocol, small but real: a Vert.x WebSocket server on
 * a loopback port that challenges each connection and verifies the ed25519 answer before it
 * registers the host. Knobs let a test refuse registrations or withhold acks per connection.
 */
final class TestGateway {
  private final Vertx vertx;
  private HttpServer server;
  private final List<Peer> peers = new ArrayList<>(); // guarded by itself
  private final List<Peer> registered = new ArrayList<>(); // guarded by peers
  private final List<Waiter<Peer>> registrationWaiters = new ArrayList<>(); // guarded by peers

  volatile long heartbeatIntervalMs = 100;
  /** Which connections (1-based) get their heartbeats acknowledged. */
  volatile IntPredicate acksHeartbeats = n -> true;
  /** Which connections (1-based) get an error instead of {@code registered}, though correctly signed. */
  volatile IntPredicate refusesRegistration = n -> false;
  /** Which usage frames get an ack, by connection number (1-based) and frame. */
  volatile java.util.function.BiPredicate<Integer, HostFrame.Usage> acksUsage = (n, usage) -> true;
  /** How many usage frames, from the first on, are refused as a storage failure. */
  final AtomicInteger refusedUsage = new AtomicInteger();
  /** How many resources reports, from the first on, are refused as a storage failure. */
  final AtomicInteger refusedResources = new AtomicInteger();

  TestGateway(Vertx vertx) { this.vertx = vertx; }

  TestGateway start() {
    server = vertx.createHttpServer(new HttpServerOptions()
            .setHost("127.0.0.1")
            .setMaxWebSocketFrameSize(HostFrames.MAX_FRAME_BYTES)
            .setMaxWebSocketMessageSize(HostFrames.MAX_FRAME_BYTES))
        .webSocketHandler(this::accept);
    server.listen(0).await();
    return this;
  }

  /** The base URL, without a path: the worker adds /v1/hosts/connect. */
  URI url() { return URI.create("ws://127.0.0.1:" + server.actualPort()); }

  void stop() { server.close().await(); }

  List<Peer> peers() {
    synchronized (peers) {
      return List.copyOf(peers);
    }
  }

  /** Completes with the connection that made the n-th successful registration (1-based). */
  Future<Peer> registration(int n) {
    synchronized (peers) {
      if (registered.size() >= n) return Future.succeededFuture(registered.get(n - 1));
      Waiter<Peer> w = new Waiter<>(n, Promise.promise());
      registrationWaiters.add(w);
      return w.promise().future();
    }
  }

  private void accept(ServerWebSocket ws) {
    if (!ws.path().equals(HostWorkerConfig.CONNECT_PATH)) {
      ws.close((short) 1008, "wrong path");
      return;
    }
    Peer peer;
    synchronized (peers) {
      peer = new Peer(peers.size() + 1, ws, UUID.randomUUID().toString());
      peers.add(peer);
    }
    ws.textMessageHandler(text -> peer.onText(HostFrames.decode(text)));
    ws.binaryMessageHandler(bytes -> peer.onBinary(StreamFrame.decode(bytes.getBytes())));
    ws.closeHandler(v -> peer.closed.tryComplete(ws.closeStatusCode()));
    peer.send(new HostFrame.Challenge(peer.nonce, "test-node"));
  }

  private void registered(Peer peer) {
    List<Waiter<Peer>> due = new ArrayList<>();
    synchronized (peers) {
      registered.add(peer);
      int n = registered.size();
      registrationWaiters.removeIf(w -> w.count() == n && due.add(w));
    }
    due.forEach(w -> w.promise().complete(peer));
  }

  private record Waiter<T>(int count, Promise<T> promise) {}

  private record FrameWaiter(Class<?> type, int count, Promise<List<HostFrame>> promise) {}

  /** One worker connection as the gateway sees it. */
  final class Peer {
    final int number;
    final ServerWebSocket ws;
    final String nonce;
    final Promise<Short> closed = Promise.promise();
    private final List<HostFrame> received = new ArrayList<>(); // guarded by itself
    private final List<StreamFrame> streamFrames = new ArrayList<>(); // guarded by itself
    private final List<FrameWaiter> frameWaiters = new ArrayList<>(); // guarded by received
    volatile String hostId;
    volatile String sessionId;

    Peer(int number, ServerWebSocket ws, String nonce) {
      this.number = number;
      this.ws = ws;
      this.nonce = nonce;
    }

    void send(HostFrame frame) { ws.writeTextMessage(HostFrames.encode(frame)); }

    void send(StreamFrame frame) { ws.writeBinaryMessage(io.vertx.core.buffer.Buffer.buffer(frame.encode())); }

    /** Every stream frame received so far, in order. */
    List<StreamFrame> streamFrames() {
      synchronized (streamFrames) {
        return List.copyOf(streamFrames);
      }
    }

    private void onBinary(StreamFrame frame) {
      synchronized (streamFrames) {
        streamFrames.add(frame);
      }
    }

    /** Completes with the status code the socket was closed with (null if none was sent). */
    Future<Short> closed() { return closed.future(); }

    /** Completes with the first {@code count} frames of {@code type} this connection received. */
    <T extends HostFrame> Future<List<T>> frames(Class<T> type, int count) {
      Promise<List<HostFrame>> promise = Promise.promise();
      synchronized (received) {
        frameWaiters.add(new FrameWaiter(type, count, promise));
        check();
      }
      return promise.future().map(list -> list.stream().map(type::cast).toList());
    }

    /** Every frame of {@code type} received so far. */
    <T extends HostFrame> List<T> received(Class<T> type) {
      synchronized (received) {
        return received.stream().filter(type::isInstance).map(type::cast).toList();
      }
    }

    private void onText(HostFrame frame) {
      synchronized (received) {
        received.add(frame);
        check();
      }
      switch (frame) {
        case HostFrame.Register r -> onRegister(r);
        case HostFrame.Heartbeat h -> {
          if (!h.hostId().equals(hostId)) send(new HostFrame.Error(h.id(), "forbidden", "not your host id"));
          else if (acksHeartbeats.test(number)) send(new HostFrame.Ack(h.id()));
        }
        case HostFrame.Resources r -> {
          if (refusedResources.getAndUpdate(n -> Math.max(0, n - 1)) > 0) send(new HostFrame.Error(r.id(), "unavailable", "update not stored; retry"));
          else send(new HostFrame.Ack(r.id()));
        }
        case HostFrame.Usage u -> {
          if (refusedUsage.getAndUpdate(n -> Math.max(0, n - 1)) > 0) send(new HostFrame.Error(u.id(), "unavailable", "samples not stored; retry"));
          else if (acksUsage.test(number, u)) send(new HostFrame.Ack(u.id()));
        }
        case HostFrame.TaskUpdate u when u.id() != null -> send(new HostFrame.Ack(u.id())); // a report, not an answer
        default -> { }
      }
    }

    /** Resolves every waiter that now has enough frames of its type. Called with {@code received} held. */
    private void check() {
      for (var it = frameWaiters.iterator(); it.hasNext(); ) {
        FrameWaiter w = it.next();
        List<HostFrame> ofType = received.stream().filter(w.type()::isInstance).toList();
        if (ofType.size() >= w.count()) {
          it.remove();
          w.promise().complete(ofType.subList(0, w.count()));
        }
      }
    }

    private void onRegister(HostFrame.Register r) {
      boolean valid;
      try {
        byte[] publicKey = Base58.decode(r.hostId());
        valid = r.nonce().equals(nonce)
            && Ed25519.verify(publicKey, HostFrame.Register.signingText(r.hostId(), r.nonce()).getBytes(UTF_8), Base58.decode(r.signature()));
      } catch (IllegalArgumentException e) {
        valid = false;
      }
      if (!valid) {
        send(new HostFrame.Error(r.id(), "unauthorized", "signature does not match the challenge"));
        ws.close((short) 1008, "unauthorized");
        return;
      }
      if (refusesRegistration.test(number)) {
        send(new HostFrame.Error(r.id(), "unavailable", "not accepting hosts right now"));
        ws.close((short) 1013, "try again later");
        return;
      }
      hostId = r.hostId();
      sessionId = "s-" + number;
      send(new HostFrame.Registered(r.id(), r.hostId(), sessionId, heartbeatIntervalMs));
      registered(this);
    }
  }
}
