package io.respool.teams;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.infra.Databases;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Teams;
import io.respool.testing.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Teams, membership rules and quota accounting on the real PostgreSQL. */
class TeamServiceTest {
  static Vertx vertx;
  static Pool pool;
  static TeamService teams;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    pool = Databases.pool(vertx, TestServices.get().pgUrl, 10);
    teams = new TeamService(pool);
  }

  @AfterAll
  static void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static String account() throws Exception {
    String id = "acc_t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    pool.preparedQuery("INSERT INTO accounts (id) VALUES ($1)").execute(Tuple.of(id)).await(10, TimeUnit.SECONDS);
    return id;
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  /** The failure of {@code f}, which must fail with a {@link RespoolException}. */
  static RespoolException failure(Future<?> f) {
    try {
      f.await(30, TimeUnit.SECONDS);
    } catch (RespoolException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected a RespoolException, got " + e, e);
    }
    throw new AssertionError("expected a failure, got success");
  }

  static Row usage(String teamId) throws Exception {
    return await(pool.preparedQuery("SELECT * FROM teams WHERE id = $1").execute(Tuple.of(teamId))).iterator().next();
  }

  static Teams.Team teamWithQuota(String owner, Double cpu, Long memoryMb, Integer gpus) throws Exception {
    Teams.Team t = await(teams.create(owner, new Teams.CreateRequest("quota team")));
    return await(teams.setQuota(owner, t.id(), new Teams.QuotaRequest(cpu, memoryMb, gpus)));
  }

  @Test
  void takeAndGiveCountInsideTheCallersTransaction() throws Exception {
    String owner = account();
    Teams.Team t = teamWithQuota(owner, 4.0, 8192L, 1);
    assertThat(t.quota()).isEqualTo(new Teams.Quota(4.0, 8192L, 1));

    await(pool.withTransaction(tx -> teams.take(tx, t.id(), owner, 2500, 4096, 1)));
    Row r = usage(t.id());
    assertThat(r.getLong("used_cpu_millis")).isEqualTo(2500);
    assertThat(r.getLong("used_memory_mb")).isEqualTo(4096);
    assertThat(r.getInteger("used_gpus")).isEqualTo(1);
    assertThat(await(teams.get(owner, t.id())).used()).isEqualTo(new Teams.Usage(2.5, 4096, 1));

    // a take whose transaction rolls back (e.g. the hosts had no room) leaves no trace
    RespoolException rolledBack = failure(pool.withTransaction(tx -> teams.take(tx, t.id(), owner, 1000, 0, 0)
        .compose(v -> Future.failedFuture(new RespoolException(ErrorCode.NO_CAPACITY, "hosts are full")))));
    assertThat(rolledBack.code()).isEqualTo(ErrorCode.NO_CAPACITY);
    assertThat(usage(t.id()).getLong("used_cpu_millis")).isEqualTo(2500);

    await(pool.withTransaction(tx -> teams.give(tx, t.id(), 1000, 4096, 1)));
    r = usage(t.id());
    assertThat(r.getLong("used_cpu_millis")).isEqualTo(1500);
    assertThat(r.getLong("used_memory_mb")).isZero();
    assertThat(r.getInteger("used_gpus")).isZero();

    // giving back more than is held clamps at zero instead of failing the release
    await(pool.withTransaction(tx -> teams.give(tx, t.id(), 99_000, 1, 3)));
    r = usage(t.id());
    assertThat(r.getLong("used_cpu_millis")).isZero();
    assertThat(r.getLong("used_memory_mb")).isZero();
    assertThat(r.getInteger("used_gpus")).isZero();

    assertThat(failure(pool.withTransaction(tx -> teams.give(tx, "team_nope", 1, 1, 1))).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(failure(pool.withTransaction(tx -> teams.take(tx, t.id(), owner, -1, 0, 0))).code()).isEqualTo(ErrorCode.INVALID_REQUEST);
  }

  @Test
  void anUnlimitedTeamTakesAnything() throws Exception {
    String owner = account();
    Teams.Team t = await(teams.create(owner, new Teams.CreateRequest("no limits")));
    assertThat(t.quota()).isEqualTo(new Teams.Quota(null, null, null));
    await(pool.withTransaction(tx -> teams.take(tx, t.id(), owner, 1_000_000, 1 << 30, 512)));
    assertThat(usage(t.id()).getInteger("used_gpus")).isEqualTo(512);
  }

  @Test
  void anExceededQuotaNamesTheResourceAndChangesNothing() throws Exception {
    String owner = account();
    Teams.Team t = teamWithQuota(owner, 4.0, 8192L, 1);
    await(pool.withTransaction(tx -> teams.take(tx, t.id(), owner, 4000, 1024, 0)));

    RespoolException cpu = failure(pool.withTransaction(tx -> teams.take(tx, t.id(), owner, 2000, 1024, 0)));
    assertThat(cpu.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
    assertThat(cpu.getMessage()).isEqualTo("team " + t.id() + " quota: cpu 4 of 4 cores in use, asked 2");

    RespoolException memory = failure(pool.withTransaction(tx -> teams.take(tx, t.id(), owner, 0, 8000, 0)));
    assertThat(memory.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
    assertThat(memory.getMessage()).contains("memory 1024 of 8192 MB in use, asked 8000").doesNotContain("cpu").doesNotContain("gpus");

    RespoolException both = failure(pool.withTransaction(tx -> teams.take(tx, t.id(), owner, 500, 0, 2)));
    assertThat(both.getMessage()).contains("cpu 4 of 4 cores in use, asked 0.5").contains("gpus 0 of 1 in use, asked 2");

    Row r = usage(t.id());
    assertThat(r.getLong("used_cpu_millis")).as("nothing was taken by the refused requests").isEqualTo(4000);
    assertThat(r.getLong("used_memory_mb")).isEqualTo(1024);
    assertThat(r.getInteger("used_gpus")).isZero();

    // a zero quota refuses everything of that resource but nothing else
    Teams.Team noGpus = teamWithQuota(owner, null, null, 0);
    await(pool.withTransaction(tx -> teams.take(tx, noGpus.id(), owner, 64_000, 1 << 20, 0)));
    assertThat(failure(pool.withTransaction(tx -> teams.take(tx, noGpus.id(), owner, 0, 0, 1))).getMessage())
        .isEqualTo("team " + noGpus.id() + " quota: gpus 0 of 0 in use, asked 1");
  }

  @Test
  void twentyConcurrentTakesOfOneCoreOnAQuotaOfFiveLetExactlyFiveThrough() throws Exception {
    String owner = account();
    Teams.Team t = teamWithQuota(owner, 5.0, null, null);
    List<Future<Void>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      // each transaction stays open a moment after its take, so the others meet its row lock
      all.add(pool.withTransaction(tx -> teams.take(tx, t.id(), owner, 1000, 256, 0)
          .compose(v -> tx.query("SELECT pg_sleep(0.05)").execute()).<Void>mapEmpty()));
    }
    Future.join(all).otherwiseEmpty().await(60, TimeUnit.SECONDS);

    assertThat(all).filteredOn(Future::succeeded).hasSize(5);
    assertThat(all).filteredOn(Future::failed).hasSize(15)
        .allSatisfy(f -> {
          assertThat(f.cause()).isInstanceOf(RespoolException.class);
          assertThat(((RespoolException) f.cause()).code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
          assertThat(f.cause().getMessage()).contains("cpu 5 of 5 cores in use, asked 1");
        });
    Row r = usage(t.id());
    assertThat(r.getLong("used_cpu_millis")).isEqualTo(5000);
    assertThat(r.getLong("used_memory_mb")).isEqualTo(5 * 256);
  }

  @Test
  void onlyMembersCanTakeFromATeam() throws Exception {
    String owner = account();
    String outsider = account();
    Teams.Team t = teamWithQuota(owner, null, null, null);
    RespoolException refused = failure(pool.withTransaction(tx -> teams.take(tx, t.id(), outsider, 1000, 0, 0)));
    assertThat(refused.code()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(refused.getMessage()).isEqualTo("not a member of team " + t.id());
    assertThat(usage(t.id()).getLong("used_cpu_millis")).isZero();
    assertThat(failure(pool.withTransaction(tx -> teams.take(tx, "team_missing", owner, 1000, 0, 0))).code())
        .as("a team that does not exist is refused the same way").isEqualTo(ErrorCode.FORBIDDEN);

    // once added, the same account may take
    await(teams.addMember(owner, t.id(), new Teams.MemberRequest(outsider, null)));
    await(pool.withTransaction(tx -> teams.take(tx, t.id(), outsider, 1000, 0, 0)));
    assertThat(usage(t.id()).getLong("used_cpu_millis")).isEqualTo(1000);
  }

  @Test
  void aQuotaBelowWhatIsHeldIsRefusedAndNothingChanges() throws Exception {
    String owner = account();
    String member = account();
    String outsider = account();
    Teams.Team t = teamWithQuota(owner, 4.0, 4096L, 2);
    await(teams.addMember(owner, t.id(), new Teams.MemberRequest(member, "member")));
    await(pool.withTransaction(tx -> teams.take(tx, t.id(), member, 3000, 2048, 1)));

    RespoolException below = failure(teams.setQuota(owner, t.id(), new Teams.QuotaRequest(2.0, 4096L, 2)));
    assertThat(below.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(below.getMessage()).contains("cpu 3 cores in use, quota asked 2").doesNotContain("memory");
    assertThat(failure(teams.setQuota(owner, t.id(), new Teams.QuotaRequest(null, 1000L, 0))).getMessage())
        .contains("memory 2048 MB in use, quota asked 1000").contains("gpus 1 in use, quota asked 0");
    Row r = usage(t.id());
    assertThat(r.getLong("quota_cpu_millis")).as("the quota is unchanged").isEqualTo(4000);
    assertThat(r.getLong("quota_memory_mb")).isEqualTo(4096);
    assertThat(r.getInteger("quota_gpus")).isEqualTo(2);

    assertThat(failure(teams.setQuota(member, t.id(), new Teams.QuotaRequest(8.0, null, null))).code()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(failure(teams.setQuota(outsider, t.id(), new Teams.QuotaRequest(8.0, null, null))).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(failure(teams.setQuota(owner, t.id(), new Teams.QuotaRequest(-1.0, null, null))).code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(failure(teams.setQuota(owner, t.id(), new Teams.QuotaRequest(Double.NaN, null, null))).code()).isEqualTo(ErrorCode.INVALID_REQUEST);

    // exactly what is held is allowed; null lifts the limit
    Teams.Team exact = await(teams.setQuota(owner, t.id(), new Teams.QuotaRequest(3.0, null, 1)));
    assertThat(exact.quota()).isEqualTo(new Teams.Quota(3.0, null, 1));
    assertThat(exact.used()).isEqualTo(new Teams.Usage(3.0, 2048, 1));
  }

  @Test
  void membershipRules() throws Exception {
    String owner = account();
    String member = account();
    String outsider = account();
    Teams.Team t = await(teams.create(owner, new Teams.CreateRequest("  research  ")));
    assertThat(t.id()).startsWith("team_");
    assertThat(t.name()).isEqualTo("research");
    assertThat(t.role()).isEqualTo("owner");

    Teams.Team withMember = await(teams.addMember(owner, t.id(), new Teams.MemberRequest(member, "member")));
    assertThat(withMember.members()).extracting(Teams.Member::accountId).containsExactly(owner, member);
    Teams.Team seen = await(teams.get(member, t.id()));
    assertThat(seen.role()).isEqualTo("member");
    assertThat(await(teams.listMine(member)).items()).extracting(Teams.Team::id).containsExactly(t.id());
    assertThat(await(teams.listMine(member)).items().get(0).members()).isNull();
    assertThat(await(teams.listMine(outsider)).items()).isEmpty();
    assertThat(await(teams.teamsOf(member))).containsExactly(t.id());
    assertThat(await(teams.isMember(t.id(), member))).isTrue();
    assertThat(await(teams.isMember(t.id(), outsider))).isFalse();

    assertThat(failure(teams.get(outsider, t.id())).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(failure(teams.get(outsider, "team_missing")).getMessage()).isEqualTo("team team_missing not found");
    assertThat(failure(teams.addMember(member, t.id(), new Teams.MemberRequest(outsider, "member"))).code()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(failure(teams.addMember(outsider, t.id(), new Teams.MemberRequest(outsider, "owner"))).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(failure(teams.addMember(owner, t.id(), new Teams.MemberRequest("acc_nobody", "member"))).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(failure(teams.addMember(owner, t.id(), new Teams.MemberRequest(outsider, "admin"))).code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(await(teams.isMember(t.id(), outsider))).isFalse();

    // adding again is idempotent and changes the role
    await(teams.addMember(owner, t.id(), new Teams.MemberRequest(member, "owner")));
    Teams.Team promoted = await(teams.addMember(owner, t.id(), new Teams.MemberRequest(member, "owner")));
    assertThat(promoted.members()).hasSize(2).allMatch(m -> m.role().equals("owner"));

    // with two owners, one may step down; the other, now last, may neither step down nor be removed
    await(teams.addMember(member, t.id(), new Teams.MemberRequest(owner, "member")));
    RespoolException stepDown = failure(teams.addMember(member, t.id(), new Teams.MemberRequest(member, "member")));
    assertThat(stepDown.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(failure(teams.removeMember(member, t.id(), member)).code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(failure(teams.removeMember(owner, t.id(), member)).code()).as("a plain member removes nobody else").isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(failure(teams.removeMember(outsider, t.id(), outsider)).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(failure(teams.removeMember(member, t.id(), outsider)).code()).isEqualTo(ErrorCode.NOT_FOUND);

    // a member may leave
    await(teams.removeMember(owner, t.id(), owner));
    assertThat(await(teams.isMember(t.id(), owner))).isFalse();
    assertThat(failure(teams.get(owner, t.id())).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(await(teams.get(member, t.id())).members()).extracting(Teams.Member::accountId).containsExactly(member);
  }

  @Test
  void badCreationsAreRefused() throws Exception {
    String owner = account();
    assertThat(failure(teams.create(owner, new Teams.CreateRequest("  "))).code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(failure(teams.create(owner, new Teams.CreateRequest("x".repeat(101)))).code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(failure(teams.create("acc_nobody", new Teams.CreateRequest("ghost"))).code()).isEqualTo(ErrorCode.NOT_FOUND);
  }
}
