package io.respool.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Wallets;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The expensive endpoints are limited per account and per client address: beyond the budget a 429
 * {@code rate-limited} problem with {@code Retry-After}; another account, or another address, is not
 * held back. Each case sends from a loopback address of its own (127.x.y.z all reach the node), so the
 * per-address counters shared in Redis start at zero.
 */
class RateLimitTest {
  static Gateway perAccount; // 3 bookings a minute per account
  static Gateway perClient; // 5 expensive requests a minute per address
  static final String BOOKING = "{\"cpu\":1,\"memoryMb\":64,\"durationSeconds\":60,\"region\":\"nowhere-rate\",\"command\":[\"true\"]}";
  static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

  @BeforeAll
  static void start() throws Exception {
    perAccount = GatewayNodes.start(Map.of("rateLimitPerAccount", "3", "rateLimitPerClient", "1000", "challengesPerMinute", "1000"));
    perClient = GatewayNodes.start(Map.of("rateLimitPerAccount", "1000", "rateLimitPerClient", "5", "challengesPerMinute", "1000"));
  }

  @AfterAll
  static void stop() {
    if (perClient != null) perClient.close();
    if (perAccount != null) perAccount.close();
  }

  static InetAddress freshLoopback() throws Exception {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return InetAddress.getByAddress(new byte[] {127, (byte) r.nextInt(1, 255), (byte) r.nextInt(1, 255), (byte) r.nextInt(2, 255)});
  }

  /** The counters are per minute: start a case early enough in one that it ends in it. */
  static void awaitRoomInThisMinute() throws InterruptedException {
    int second = Instant.now().atZone(java.time.ZoneOffset.UTC).getSecond();
    if (second >= 50) Thread.sleep((61 - second) * 1000L);
  }

  static Map<String, String> bearer(String token) {
    return Map.of("Content-Type", "application/json", "Authorization", "Bearer " + token);
  }

  static void assertLimited(RawHttp.Answer a, String who) {
    assertThat(a.status()).as(a.toString()).isEqualTo(429);
    assertThat(a.contentType()).startsWith("application/problem+json");
    JsonNode p = ContractCases.JSON.valueToTree(parse(a.text()));
    assertThat(p.path("type").asText()).isEqualTo("urn:respool:problem:rate-limited");
    assertThat(p.path("detail").asText()).contains(who).contains("retry in");
    assertThat(Refusals.plain(p.path("detail").asText())).isNull();
    assertThat(a.retryAfter()).as("Retry-After").isNotNull();
    assertThat(Integer.parseInt(a.retryAfter())).isBetween(1, 60);
  }

  static JsonNode parse(String text) {
    try {
      return ContractCases.JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError(text, e);
    }
  }

  @Test
  void anAccountGetsItsBudgetOfBookingsAMinuteAndNoMore() throws Exception {
    Http http = new Http(perAccount.port());
    Wallets.Session busy = Wallets.signIn(http);
    Wallets.Session calm = Wallets.signIn(http);
    awaitRoomInThisMinute();
    RawHttp from = new RawHttp(perAccount.port(), freshLoopback());
    for (int i = 0; i < 3; i++) {
      RawHttp.Answer a = from.send("POST", "/v1/bookings", bearer(busy.token()), ContractCases.bytes(BOOKING));
      assertThat(a.status()).as("booking %d: %s", i, a).isEqualTo(409); // refused for capacity, but counted
    }
    assertLimited(from.send("POST", "/v1/bookings", bearer(busy.token()), ContractCases.bytes(BOOKING)), "this account");
    RawHttp.Answer other = from.send("POST", "/v1/bookings", bearer(calm.token()), ContractCases.bytes(BOOKING));
    assertThat(other.status()).as("another account from the same address: %s", other).isEqualTo(409);
    RawHttp.Answer anonymous = from.send("POST", "/v1/bookings", JSON, ContractCases.bytes(BOOKING));
    assertThat(anonymous.status()).as("no credential: %s", anonymous).isEqualTo(401);
  }

  @Test
  void aClientAddressGetsItsBudgetOverBookingsQuotesAndSignInAndNoMore() throws Exception {
    // signed in through the other node (same database and key): the counter of 127.0.0.1 is shared in Redis, its limit is that node's
    Wallets.Session renter = Wallets.signIn(new Http(perAccount.port()));
    awaitRoomInThisMinute();
    RawHttp from = new RawHttp(perClient.port(), freshLoopback());
    String quote = "{\"cpu\":1,\"durationSeconds\":60}";
    for (int i = 0; i < 3; i++) assertThat(from.send("POST", "/v1/quotes", JSON, ContractCases.bytes(quote)).status()).isEqualTo(200);
    assertThat(from.send("POST", "/v1/auth/challenge", JSON,
        ContractCases.bytes("{\"chain\":\"ethereum\",\"address\":\"0x" + "12".repeat(20) + "\"}")).status()).isEqualTo(200);
    assertThat(from.send("POST", "/v1/bookings", bearer(renter.token()), ContractCases.bytes(BOOKING)).status()).isEqualTo(409);
    assertLimited(from.send("POST", "/v1/quotes", JSON, ContractCases.bytes(quote)), "this client address");
    assertLimited(from.send("POST", "/v1/bookings", bearer(renter.token()), ContractCases.bytes(BOOKING)), "this client address");
    assertLimited(from.send("POST", "/v1/auth/verify", JSON,
        ContractCases.bytes("{\"chain\":\"solana\",\"address\":\"x\",\"message\":\"m\",\"signature\":\"s\"}")), "this client address");
    assertThat(from.send("GET", "/v1/hosts", Map.of(), null).status()).as("cheap endpoints are not limited").isEqualTo(200);
    RawHttp elsewhere = new RawHttp(perClient.port(), freshLoopback());
    assertThat(elsewhere.send("POST", "/v1/quotes", JSON, ContractCases.bytes(quote)).status()).as("another address").isEqualTo(200);
  }

  @Test
  void signInChallengesSayWhenToComeBack() throws Exception {
    Gateway strict = GatewayNodes.start(Map.of("challengesPerMinute", "2"));
    try {
      awaitRoomInThisMinute();
      RawHttp from = new RawHttp(strict.port(), freshLoopback());
      byte[] body = ContractCases.bytes("{\"chain\":\"ethereum\",\"address\":\"0x" + "34".repeat(20) + "\"}");
      for (int i = 0; i < 2; i++) assertThat(from.send("POST", "/v1/auth/challenge", JSON, body).status()).isEqualTo(200);
      assertLimited(from.send("POST", "/v1/auth/challenge", JSON, body), "this client address");
    } finally {
      strict.close();
    }
  }
}
