package io.respool.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.testing.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The budgets are decided on the node, and shared through the real Redis: two nodes' counts add up there, a node
 * learns the others' at its next flush, and a node that cannot reach Redis goes on limiting and keeps its counts.
 */
class RateLimitsTest {
  /** Mid-minute, so a case never straddles two windows. */
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T04:00:30Z"), ZoneOffset.UTC);
  static final RateLimits.Settings SETTINGS = new RateLimits.Settings(5, 5);
  static Vertx vertx;
  static Redis redis;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, TestServices.get().redisUrl);
  }

  @AfterAll
  static void stop() {
    redis.close();
    vertx.close().await();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static RateLimits.Budget budget(String who) {
    return new RateLimits.Budget(who, 5, "this account");
  }

  @Test
  void twoNodesCountAgainstOneBudgetInRedis() throws Exception {
    String who = "account:" + UUID.randomUUID();
    RateLimits a = new RateLimits(redis, null, SETTINGS, CLOCK);
    RateLimits b = new RateLimits(redis, null, SETTINGS, CLOCK);
    for (int i = 0; i < 3; i++) assertThat(a.count(budget(who))).as("node a, request %d", i).isNull();
    await(a.flush());
    assertThat(b.count(budget(who))).as("node b's first: it has not read the others' count yet").isNull();
    await(b.flush()); // b adds its 1 and reads 4
    assertThat(b.count(budget(who))).as("the fifth of the cluster").isNull();
    RateLimitedException over = b.count(budget(who));
    assertThat(over).as("the sixth of the cluster, on the node that had seen only one before").isNotNull();
    assertThat(over.getMessage()).contains("more than 5 requests a minute from this account").contains("retry in 30 s");
    assertThat(over.retryAfterSeconds()).isEqualTo(30);
    await(b.flush());
    Response stored = await(redis.send(Request.cmd(Command.GET).arg("respool:rate:" + who + ":" + CLOCK.instant().getEpochSecond() / 60)));
    assertThat(stored.toLong()).as("every request counted once in Redis, the refused one too").isEqualTo(6);
    Response ttl = await(redis.send(Request.cmd(Command.TTL).arg("respool:rate:" + who + ":" + CLOCK.instant().getEpochSecond() / 60)));
    assertThat(ttl.toLong()).as("the window's key expires").isBetween(1L, 120L);
  }

  @Test
  void withoutRedisANodeLimitsOnItsOwnCountsAndKeepsThem() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Redis unreachable = Redis.createClient(vertx, "redis://127.0.0.1:" + closed);
    try {
      String who = "account:" + UUID.randomUUID();
      RateLimits node = new RateLimits(unreachable, null, SETTINGS, CLOCK);
      for (int i = 0; i < 3; i++) assertThat(node.count(budget(who))).as("request %d, decided without Redis", i).isNull();
      await(node.flush()); // fails: the three stay counted here
      assertThat(node.count(budget(who))).isNull();
      assertThat(node.count(budget(who))).isNull();
      assertThat(node.count(budget(who))).as("the sixth, though no count reached Redis").isNotNull();
    } finally {
      unreachable.close();
    }
  }
}
