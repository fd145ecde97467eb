package io.respool.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.protocol.crypto.Base58;
import io.respool.protocol.crypto.Ed25519;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.host.HostFrames;
import io.respool.protocol.host.HostInfo;
import io.respool.protocol.host.Inventory;
import io.respool.protocol.host.Payout;
import io.respool.protocol.host.Prices;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A host speaking the control protocol frame by frame, so tests can also send what a real worker
 * never would (forged signatures, heartbeats for another host, garbage).
 */
public final class TestHost implements AutoCloseable {
  public final Ed25519.Keys keys = Ed25519.generate();
  public final String id = keys.publicKeyBase58();
  public final Ws ws;
  public final String nonce;

  public TestHost(int port) {
    ws = Ws.connect(port, "/v1/hosts/connect");
    JsonNode challenge = ws.next();
    if (!"challenge".equals(challenge.path("type").asText())) throw new AssertionError("expected a challenge: " + challenge);
    nonce = challenge.path("nonce").asText();
  }

  public static HostInfo info(String region) {
    return info(region, List.of());
  }

  /** 4 cores, 8 GiB, 50 GiB; USDC 20000/core-hour, 5000/GiB-hour of memory, 100/GiB-hour of storage. */
  public static HostInfo info(String region, List<String> drivers) {
    Inventory inv = new Inventory(4, 8, "Test CPU", 8192, 50, List.of(new Inventory.Disk("/", 100, 50)), List.of(), "Linux", "x86_64");
    return new HostInfo(region, inv, new Prices("USDC", 20_000, 5_000, 100, Map.of()), new Payout(null, null), drivers, "test");
  }

  public String signature(Ed25519.Keys signer, String hostId, String forNonce) {
    return Base58.encode(signer.sign(HostFrame.Register.signingText(hostId, forNonce).getBytes(StandardCharsets.UTF_8)));
  }

  /** Registers properly and returns the gateway's answer. */
  public JsonNode register(String region) {
    return register(info(region));
  }

  public JsonNode register(HostInfo info) {
    send(new HostFrame.Register("r1", id, nonce, signature(keys, id, nonce), info));
    return ws.next();
  }

  public JsonNode heartbeat(String hostId, long seq) {
    send(new HostFrame.Heartbeat("h" + seq, hostId, seq));
    return ws.until(n -> !"ping".equals(n.path("type").asText()), 10);
  }

  public void send(HostFrame f) {
    ws.send(HostFrames.encode(f));
  }

  @Override
  public void close() { ws.close(); }
}
