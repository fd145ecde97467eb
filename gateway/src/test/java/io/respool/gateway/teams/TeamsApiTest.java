package io.respool.gateway.teams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Wallets;
import io.respool.gateway.testing.Wallets.Session;
import io.respool.infra.Databases;
import io.respool.teams.TeamService;
import io.respool.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /v1/teams over real HTTP, with accounts signed in by real ed25519 wallets. */
class TeamsApiTest {
  static Gateway node;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    node = GatewayNodes.start();
    http = new Http(node.port());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** A fresh Solana wallet signed in through challenge and verify. */
  static Session signIn() {
    return Wallets.signIn(http);
  }

  static Http.Response put(String path, String body, Session who) {
    return http.send("PUT", path, body, who == null ? null : who.token(), "application/json");
  }

  static Http.Response delete(String path, Session who) {
    return http.send("DELETE", path, null, who == null ? null : who.token(), "application/json");
  }

  static String createTeam(Session owner, String name) {
    Http.Response r = http.post("/v1/teams", Http.json(Map.of("name", name)), owner.token());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().path("id").asText();
  }

  static List<String> ids(JsonNode items) {
    List<String> ids = new ArrayList<>();
    items.forEach(t -> ids.add(t.path("id").asText()));
    return ids;
  }

  @Test
  void ownersBuildTeamsAndOnlyMembersSeeThem() {
    Session owner = signIn();
    Session member = signIn();
    Session outsider = signIn();

    Http.Response created = http.post("/v1/teams", "{\"name\":\"ml research\"}", owner.token());
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    JsonNode team = created.json();
    String id = team.path("id").asText();
    assertThat(id).startsWith("team_");
    assertThat(team.path("name").asText()).isEqualTo("ml research");
    assertThat(team.path("role").asText()).isEqualTo("owner");
    assertThat(team.path("quota").has("cpu")).as("unlimited is written out as null").isTrue();
    assertThat(team.path("quota").path("cpu").isNull()).isTrue();
    assertThat(team.path("used").path("cpu").asDouble()).isZero();
    assertThat(team.path("members").get(0).path("accountId").asText()).isEqualTo(owner.accountId());

    assertThat(ids(http.get("/v1/teams", owner.token()).json().path("items"))).contains(id);
    assertThat(ids(http.get("/v1/teams", member.token()).json().path("items"))).doesNotContain(id);
    assertThat(http.get("/v1/teams/" + id, member.token()).isProblem(404)).as("not yet a member").isTrue();

    Http.Response added = put("/v1/teams/" + id + "/members/" + member.accountId(), "{\"role\":\"member\"}", owner);
    assertThat(added.status()).as(added.toString()).isEqualTo(200);
    assertThat(added.json().path("members").size()).isEqualTo(2);

    Http.Response seen = http.get("/v1/teams/" + id, member.token());
    assertThat(seen.status()).as(seen.toString()).isEqualTo(200);
    assertThat(seen.json().path("role").asText()).isEqualTo("member");
    List<String> memberIds = new ArrayList<>();
    seen.json().path("members").forEach(m -> memberIds.add(m.path("accountId").asText()));
    assertThat(memberIds).containsExactly(owner.accountId(), member.accountId());
    JsonNode listed = http.get("/v1/teams", member.token()).json().path("items");
    assertThat(ids(listed)).containsExactly(id);
    assertThat(listed.get(0).has("members")).as("lists leave members out").isFalse();

    // a non-member cannot tell a team that exists from one that does not
    Http.Response hidden = http.get("/v1/teams/" + id, outsider.token());
    assertThat(hidden.isProblem(404)).as(hidden.toString()).isTrue();
    assertThat(hidden.json().path("detail").asText()).isEqualTo("team " + id + " not found");
    assertThat(http.get("/v1/teams/team_missing", outsider.token()).json().path("detail").asText()).isEqualTo("team team_missing not found");
    assertThat(put("/v1/teams/" + id + "/members/" + outsider.accountId(), "{\"role\":\"owner\"}", outsider).isProblem(404)).isTrue();

    // a plain member may not add or remove others, or change the quota
    Http.Response notOwner = put("/v1/teams/" + id + "/members/" + outsider.accountId(), "{\"role\":\"member\"}", member);
    assertThat(notOwner.isProblem(403)).as(notOwner.toString()).isTrue();
    assertThat(delete("/v1/teams/" + id + "/members/" + owner.accountId(), member).isProblem(403)).isTrue();
    assertThat(put("/v1/teams/" + id + "/quota", "{\"cpu\":100}", member).isProblem(403)).isTrue();
    assertThat(http.get("/v1/teams/" + id, outsider.token()).isProblem(404)).as("nobody was added").isTrue();

    Http.Response noAccount = put("/v1/teams/" + id + "/members/acc_nobody", "{\"role\":\"member\"}", owner);
    assertThat(noAccount.isProblem(404)).as(noAccount.toString()).isTrue();
    assertThat(noAccount.json().path("detail").asText()).contains("acc_nobody");

    // the last owner stays
    Http.Response lastOwner = delete("/v1/teams/" + id + "/members/" + owner.accountId(), owner);
    assertThat(lastOwner.isProblem(409)).as(lastOwner.toString()).isTrue();
    assertThat(lastOwner.json().path("detail").asText()).contains("last owner");
    assertThat(put("/v1/teams/" + id + "/members/" + owner.accountId(), "{\"role\":\"member\"}", owner).isProblem(409)).isTrue();

    // a member may leave; then the team is hidden from them again
    Http.Response left = delete("/v1/teams/" + id + "/members/" + member.accountId(), member);
    assertThat(left.status()).as(left.toString()).isEqualTo(204);
    assertThat(left.text()).isEmpty();
    assertThat(http.get("/v1/teams/" + id, member.token()).isProblem(404)).isTrue();
    assertThat(delete("/v1/teams/" + id + "/members/" + member.accountId(), owner).isProblem(404)).as("already gone").isTrue();
  }

  @Test
  void quotasAreSetByOwnersAndNeverBelowWhatIsHeld() throws Exception {
    Session owner = signIn();
    String id = createTeam(owner, "quota");
    Http.Response set = put("/v1/teams/" + id + "/quota", "{\"cpu\":2.5,\"memoryMb\":4096,\"gpus\":null}", owner);
    assertThat(set.status()).as(set.toString()).isEqualTo(200);
    assertThat(set.json().path("quota").path("cpu").asDouble()).isEqualTo(2.5);
    assertThat(set.json().path("quota").path("memoryMb").asLong()).isEqualTo(4096);
    assertThat(set.json().path("quota").path("gpus").isNull()).isTrue();

    // what a booking would hold, taken the way the bookings code takes it: inside a transaction
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = Databases.pool(vertx, TestServices.get().pgUrl, 2);
      TeamService teams = new TeamService(pool);
      pool.withTransaction(tx -> teams.take(tx, id, owner.accountId(), 2000, 1024, 0)).await(10, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    JsonNode used = http.get("/v1/teams/" + id, owner.token()).json().path("used");
    assertThat(used.path("cpu").asDouble()).isEqualTo(2.0);
    assertThat(used.path("memoryMb").asLong()).isEqualTo(1024);

    Http.Response below = put("/v1/teams/" + id + "/quota", "{\"cpu\":1,\"memoryMb\":4096}", owner);
    assertThat(below.isProblem(409)).as(below.toString()).isTrue();
    assertThat(below.json().path("detail").asText()).contains("cpu 2 cores in use, quota asked 1");
    assertThat(http.get("/v1/teams/" + id, owner.token()).json().path("quota").path("cpu").asDouble()).as("unchanged").isEqualTo(2.5);

    Http.Response lifted = put("/v1/teams/" + id + "/quota", "{}", owner);
    assertThat(lifted.status()).as(lifted.toString()).isEqualTo(200);
    assertThat(lifted.json().path("quota").path("cpu").isNull()).isTrue();
    assertThat(lifted.json().path("quota").path("memoryMb").isNull()).isTrue();
  }

  @Test
  void badInputIsAClear400() {
    Session owner = signIn();
    String id = createTeam(owner, "input");
    assertThat(http.post("/v1/teams", "{}", owner.token()).isProblem(400)).isTrue();
    assertThat(http.post("/v1/teams", "{\"name\":\"\"}", owner.token()).isProblem(400)).isTrue();
    assertThat(http.post("/v1/teams", "{\"name\":\"   \"}", owner.token()).isProblem(400)).as("blank after trimming").isTrue();
    assertThat(http.post("/v1/teams", "{\"name\":\"" + "x".repeat(101) + "\"}", owner.token()).isProblem(400)).isTrue();
    assertThat(http.post("/v1/teams", "{\"name\":\"a\",\"owner\":\"acc_x\"}", owner.token()).isProblem(400)).isTrue();
    assertThat(http.post("/v1/teams", "{\"name\":", owner.token()).isProblem(400)).isTrue();
    assertThat(http.post("/v1/teams", null, owner.token()).isProblem(400)).isTrue();
    assertThat(put("/v1/teams/" + id + "/members/" + owner.accountId(), "{\"role\":\"admin\"}", owner).isProblem(400)).isTrue();
    assertThat(put("/v1/teams/" + id + "/members/" + owner.accountId(), "{}", owner).isProblem(400)).isTrue();
    assertThat(put("/v1/teams/" + id + "/quota", "{\"cpu\":-1}", owner).isProblem(400)).isTrue();
    assertThat(put("/v1/teams/" + id + "/quota", "{\"cpu\":\"lots\"}", owner).isProblem(400)).isTrue();
    assertThat(put("/v1/teams/" + id + "/quota", "{\"gpus\":1.5}", owner).isProblem(400)).isTrue();
    assertThat(put("/v1/teams/" + id + "/quota", "{\"cpu\":1e12}", owner).isProblem(400)).isTrue();
    assertThat(put("/v1/teams/" + id + "/quota", "{\"storageGb\":1}", owner).isProblem(400)).isTrue();
    assertThat(http.get("/v1/teams/" + id, owner.token()).json().path("quota").path("cpu").isNull()).as("nothing was set").isTrue();
  }

  @Test
  void everyTeamEndpointNeedsABearer() {
    Session owner = signIn();
    String id = createTeam(owner, "auth");
    assertThat(http.post("/v1/teams", "{\"name\":\"x\"}", null).isProblem(401)).isTrue();
    assertThat(http.get("/v1/teams", null).isProblem(401)).isTrue();
    assertThat(http.get("/v1/teams/" + id, null).isProblem(401)).isTrue();
    assertThat(http.get("/v1/teams/" + id, "garbage").isProblem(401)).isTrue();
    assertThat(put("/v1/teams/" + id + "/members/" + owner.accountId(), "{\"role\":\"member\"}", null).isProblem(401)).isTrue();
    assertThat(delete("/v1/teams/" + id + "/members/" + owner.accountId(), null).isProblem(401)).isTrue();
    assertThat(put("/v1/teams/" + id + "/quota", "{\"cpu\":1}", null).isProblem(401)).isTrue();
    assertThat(http.get("/v1/teams/" + id, owner.token()).json().path("members").size()).as("nothing changed").isEqualTo(1);
  }
}
