package io.respool.teams;

import io.respool.protocol.ErrorCode;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Teams;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Teams, their members and their quotas, in PostgreSQL. Access rules live here, not in the edge: a
 * caller who is not a member gets 404 (a team's existence is not revealed), a member who is not an
 * owner gets 403 for owner-only changes.
 *
 * <p>Quota accounting is {@link #take} and {@link #give}, which run inside the caller's transaction
 * (the one that reserves or releases host capacity), so a booking holds both its hosts and its share
 * of the team quota, or neither. {@code take} is one conditional UPDATE of the team row, like the
 * hosts' reservation: concurrent bookings can never push a team over its quota.
 */
public final class TeamService {
  static final int MAX_NAME = 100;
  /** Largest quota accepted, far above any fleet: keeps millis arithmetic far from overflow. */
  static final double MAX_CPU_CORES = 1e9;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int TAKE_ATTEMPTS = 3;

  private static final String COLUMNS = "t.id, t.name, t.created_by, t.created_at, t.quota_cpu_millis, t.quota_memory_mb,"
      + " t.quota_gpus, t.used_cpu_millis, t.used_memory_mb, t.used_gpus";

  private static final String TAKE = """
      UPDATE teams t SET used_cpu_millis = t.used_cpu_millis + $3, used_memory_mb = t.used_memory_mb + $4,
                         used_gpus = t.used_gpus + $5
       WHERE t.id = $1
         AND EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.id AND m.account_id = $2)
         AND (t.quota_cpu_millis IS NULL OR t.used_cpu_millis + $3 <= t.quota_cpu_millis)
         AND (t.quota_memory_mb IS NULL OR t.used_memory_mb + $4 <= t.quota_memory_mb)
         AND (t.quota_gpus IS NULL OR t.used_gpus + $5 <= t.quota_gpus)""";

  private final Pool pool;

  public TeamService(Pool pool) {
    this.pool = pool;
  }

  /** A new team with the caller as its owner. */
  public Future<Teams.Team> create(String accountId, Teams.CreateRequest req) {
    String name = req == null || req.name() == null ? "" : req.name().strip();
    if (name.isEmpty() || name.length() > MAX_NAME) return invalid("name is required (at most " + MAX_NAME + " characters)");
    String id = "team_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random(12));
    return pool.withTransaction(tx -> tx.preparedQuery("""
            INSERT INTO teams (id, name, created_by) SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM accounts WHERE id = $3)
            RETURNING created_at""")
        .execute(Tuple.of(id, name, accountId))
        .compose(rows -> rows.rowCount() == 0
            ? Future.failedFuture(RespoolException.notFound("account " + accountId + " not found"))
            : tx.preparedQuery("INSERT INTO team_members (team_id, account_id, role) VALUES ($1, $2, 'owner') RETURNING added_at")
                .execute(Tuple.of(id, accountId))
                .map(added -> {
                  Instant created = rows.iterator().next().getOffsetDateTime(0).toInstant();
                  Instant at = added.iterator().next().getOffsetDateTime(0).toInstant();
                  return new Teams.Team(id, name, Teams.OWNER, accountId, created, new Teams.Quota(null, null, null),
                      new Teams.Usage(0, 0, 0), List.of(new Teams.Member(accountId, Teams.OWNER, at)));
                })));
  }

  /** The team with its members; 404 unless the caller is a member. */
  public Future<Teams.Team> get(String accountId, String teamId) {
    return pool.preparedQuery("SELECT " + COLUMNS + ", m.role FROM teams t"
            + " JOIN team_members m ON m.team_id = t.id AND m.account_id = $2 WHERE t.id = $1")
        .execute(Tuple.of(teamId, accountId))
        .compose(rows -> {
          if (rows.size() == 0) return Future.failedFuture(teamNotFound(teamId));
          Row team = rows.iterator().next();
          return pool.preparedQuery("SELECT account_id, role, added_at FROM team_members WHERE team_id = $1 ORDER BY added_at, account_id")
              .execute(Tuple.of(teamId))
              .map(members -> {
                List<Teams.Member> list = new ArrayList<>();
                for (Row m : members) {
                  list.add(new Teams.Member(m.getString("account_id"), m.getString("role"), m.getOffsetDateTime("added_at").toInstant()));
                }
                return view(team, List.copyOf(list));
              });
        });
  }

  /** The caller's teams, oldest first, without their member lists. */
  public Future<Teams.TeamList> listMine(String accountId) {
    return pool.preparedQuery("SELECT " + COLUMNS + ", m.role FROM teams t"
            + " JOIN team_members m ON m.team_id = t.id WHERE m.account_id = $1 ORDER BY t.created_at, t.id")
        .execute(Tuple.of(accountId))
        .map(rows -> {
          List<Teams.Team> items = new ArrayList<>();
          for (Row r : rows) items.add(view(r, null));
          return new Teams.TeamList(List.copyOf(items));
        });
  }

  /**
   * Adds an account to the team, or sets its role if it is a member already (owner only). The last
   * owner cannot make themself a plain member.
   */
  public Future<Teams.Team> addMember(String accountId, String teamId, Teams.MemberRequest req) {
    if (req == null || req.accountId() == null || req.accountId().isBlank()) return invalid("accountId is required");
    String role = req.role() == null ? Teams.MEMBER : req.role();
    if (!role.equals(Teams.OWNER) && !role.equals(Teams.MEMBER)) return invalid("role must be owner or member");
    String target = req.accountId();
    return pool.withTransaction(tx -> lockAsOwner(tx, teamId, accountId)
            .compose(v -> tx.preparedQuery("SELECT 1 FROM accounts WHERE id = $1").execute(Tuple.of(target)))
            .compose(found -> found.size() == 0
                ? Future.failedFuture(RespoolException.notFound("account " + target + " not found"))
                : role.equals(Teams.MEMBER) ? keepsAnOwner(tx, teamId, target, "step down") : Future.<Void>succeededFuture())
            .compose(v -> tx.preparedQuery("""
                    INSERT INTO team_members (team_id, account_id, role) VALUES ($1, $2, $3)
                    ON CONFLICT (team_id, account_id) DO UPDATE SET role = EXCLUDED.role""")
                .execute(Tuple.of(teamId, target, role))))
        .compose(v -> get(accountId, teamId));
  }

  /** Removes a member: an owner may remove anyone, a member only themself; the last owner stays. */
  public Future<Void> removeMember(String accountId, String teamId, String memberId) {
    return pool.withTransaction(tx -> lockTeam(tx, teamId, accountId)
        .compose(locked -> {
          if (!accountId.equals(memberId) && !Teams.OWNER.equals(locked.getString("role"))) {
            return Future.failedFuture(onlyOwners(teamId));
          }
          return keepsAnOwner(tx, teamId, memberId, "be removed");
        })
        .compose(v -> tx.preparedQuery("DELETE FROM team_members WHERE team_id = $1 AND account_id = $2")
            .execute(Tuple.of(teamId, memberId)))
        .compose(rows -> rows.rowCount() == 1 ? Future.<Void>succeededFuture()
            : Future.failedFuture(RespoolException.notFound("account " + memberId + " is not a member of team " + teamId))));
  }

  /**
   * Replaces the team's quota (owner only); a null field is unlimited. A quota below what the
   * team's bookings hold now is refused with 409 and nothing changes.
   */
  public Future<Teams.Team> setQuota(String accountId, String teamId, Teams.QuotaRequest req) {
    if (req == null) return invalid("a quota is required");
    if (req.cpu() != null && !(req.cpu() >= 0 && req.cpu() <= MAX_CPU_CORES)) {
      return invalid("cpu must be between 0 and " + (long) MAX_CPU_CORES + " cores, or null for unlimited");
    }
    if (req.memoryMb() != null && req.memoryMb() < 0) return invalid("memoryMb must be at least 0, or null for unlimited");
    if (req.gpus() != null && req.gpus() < 0) return invalid("gpus must be at least 0, or null for unlimited");
    Long cpuMillis = req.cpu() == null ? null : Math.round(req.cpu() * 1000);
    return pool.withTransaction(tx -> lockAsOwner(tx, teamId, accountId)
            .compose(team -> {
              List<String> below = new ArrayList<>();
              long usedCpu = team.getLong("used_cpu_millis");
              long usedMemory = team.getLong("used_memory_mb");
              int usedGpus = team.getInteger("used_gpus");
              if (cpuMillis != null && cpuMillis < usedCpu) below.add("cpu " + cores(usedCpu) + " cores in use, quota asked " + cores(cpuMillis));
              if (req.memoryMb() != null && req.memoryMb() < usedMemory) below.add("memory " + usedMemory + " MB in use, quota asked " + req.memoryMb());
              if (req.gpus() != null && req.gpus() < usedGpus) below.add("gpus " + usedGpus + " in use, quota asked " + req.gpus());
              if (!below.isEmpty()) {
                return Future.failedFuture(new RespoolException(ErrorCode.CONFLICT,
                    "team " + teamId + " holds more than that quota: " + String.join("; ", below)));
              }
              return tx.preparedQuery("UPDATE teams SET quota_cpu_millis = $2, quota_memory_mb = $3, quota_gpus = $4 WHERE id = $1")
                  .execute(Tuple.tuple().addString(teamId).addLong(cpuMillis).addLong(req.memoryMb()).addInteger(req.gpus()));
            }))
        .compose(v -> get(accountId, teamId));
  }

  /** The ids of the teams the account belongs to. */
  public Future<Set<String>> teamsOf(String accountId) {
    return pool.preparedQuery("SELECT team_id FROM team_members WHERE account_id = $1").execute(Tuple.of(accountId))
        .map(rows -> {
          Set<String> ids = new HashSet<>();
          for (Row r : rows) ids.add(r.getString(0));
          return Set.copyOf(ids);
        });
  }

  public Future<Boolean> isMember(String teamId, String accountId) {
    return pool.preparedQuery("SELECT EXISTS (SELECT 1 FROM team_members WHERE team_id = $1 AND account_id = $2)")
        .execute(Tuple.of(teamId, accountId))
        .map(rows -> rows.iterator().next().getBoolean(0));
  }

  /**
   * Counts a booking's resources against the team's quota, inside the caller's transaction {@code tx}.
   * Fails with {@link ErrorCode#FORBIDDEN} if the account is not a member of the team, or with
   * {@link ErrorCode#QUOTA_EXCEEDED} naming each resource that would go over; nothing changes then.
   */
  public Future<Void> take(SqlClient tx, String teamId, String accountId, long cpuMillis, long memoryMb, int gpus) {
    if (cpuMillis < 0 || memoryMb < 0 || gpus < 0) return invalid("amounts taken from a quota cannot be negative");
    return take(tx, teamId, accountId, cpuMillis, memoryMb, gpus, TAKE_ATTEMPTS);
  }

  private Future<Void> take(SqlClient tx, String teamId, String accountId, long cpuMillis, long memoryMb, int gpus, int attemptsLeft) {
    return tx.preparedQuery(TAKE).execute(Tuple.of(teamId, accountId, cpuMillis, memoryMb, gpus))
        .compose(updated -> {
          if (updated.rowCount() == 1) return Future.<Void>succeededFuture();
          // say why: not a member, or which resource would go over
          return tx.preparedQuery("SELECT quota_cpu_millis, quota_memory_mb, quota_gpus, used_cpu_millis, used_memory_mb, used_gpus,"
                  + " EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.id AND m.account_id = $2) AS member"
                  + " FROM teams t WHERE t.id = $1")
              .execute(Tuple.of(teamId, accountId))
              .compose(rows -> {
                if (rows.size() == 0 || !rows.iterator().next().getBoolean("member")) {
                  return Future.failedFuture(RespoolException.forbidden("not a member of team " + teamId));
                }
                List<String> over = over(rows.iterator().next(), cpuMillis, memoryMb, gpus);
                if (!over.isEmpty()) {
                  return Future.failedFuture(new RespoolException(ErrorCode.QUOTA_EXCEEDED,
                      "team " + teamId + " quota: " + String.join("; ", over)));
                }
                // usage was given back between the UPDATE and this read: try again
                return attemptsLeft > 1 ? take(tx, teamId, accountId, cpuMillis, memoryMb, gpus, attemptsLeft - 1)
                    : Future.failedFuture(new RespoolException(ErrorCode.QUOTA_EXCEEDED,
                        "team " + teamId + " quota: usage kept changing, try again"));
              });
        });
  }

  /** Gives a booking's resources back to the team, inside {@code tx}; usage never goes below zero. */
  public Future<Void> give(SqlClient tx, String teamId, long cpuMillis, long memoryMb, int gpus) {
    if (cpuMillis < 0 || memoryMb < 0 || gpus < 0) return invalid("amounts given back to a quota cannot be negative");
    return tx.preparedQuery("""
            UPDATE teams SET used_cpu_millis = GREATEST(0, used_cpu_millis - $2), used_memory_mb = GREATEST(0, used_memory_mb - $3),
                             used_gpus = GREATEST(0, used_gpus - $4)
             WHERE id = $1""")
        .execute(Tuple.of(teamId, cpuMillis, memoryMb, gpus))
        .compose(rows -> rows.rowCount() == 1 ? Future.<Void>succeededFuture() : Future.failedFuture(teamNotFound(teamId)));
  }

  // --- helpers -------------------------------------------------------------------------------

  /**
   * Locks the team row (serializing membership and quota changes with each other and with
   * {@link #take}) and returns its usage with the caller's role; 404 if the caller is not a member.
   */
  private static Future<Row> lockTeam(SqlConnection tx, String teamId, String accountId) {
    return tx.preparedQuery("SELECT m.role, t.used_cpu_millis, t.used_memory_mb, t.used_gpus FROM teams t"
            + " JOIN team_members m ON m.team_id = t.id AND m.account_id = $2 WHERE t.id = $1 FOR NO KEY UPDATE OF t")
        .execute(Tuple.of(teamId, accountId))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(teamNotFound(teamId)) : Future.succeededFuture(rows.iterator().next()));
  }

  private static Future<Row> lockAsOwner(SqlConnection tx, String teamId, String accountId) {
    return lockTeam(tx, teamId, accountId)
        .compose(row -> Teams.OWNER.equals(row.getString("role")) ? Future.succeededFuture(row) : Future.failedFuture(onlyOwners(teamId)));
  }

  /** Fails with 409 if {@code leaving} is the team's only owner (the team row is locked by the caller). */
  private static Future<Void> keepsAnOwner(SqlConnection tx, String teamId, String leaving, String what) {
    return tx.preparedQuery("""
            SELECT bool_or(account_id = $2) AS leaving_is_owner, count(*) FILTER (WHERE account_id <> $2) AS others
              FROM team_members WHERE team_id = $1 AND role = 'owner'""")
        .execute(Tuple.of(teamId, leaving))
        .compose(rows -> {
          Row r = rows.iterator().next();
          boolean lastOwner = Boolean.TRUE.equals(r.getBoolean("leaving_is_owner")) && r.getLong("others") == 0;
          return lastOwner
              ? Future.failedFuture(new RespoolException(ErrorCode.CONFLICT,
                  "the last owner of team " + teamId + " cannot " + what + "; make another member an owner first"))
              : Future.succeededFuture();
        });
  }

  private static List<String> over(Row t, long cpuMillis, long memoryMb, int gpus) {
    List<String> over = new ArrayList<>();
    Long qCpu = t.getLong("quota_cpu_millis");
    Long qMemory = t.getLong("quota_memory_mb");
    Integer qGpus = t.getInteger("quota_gpus");
    long uCpu = t.getLong("used_cpu_millis");
    long uMemory = t.getLong("used_memory_mb");
    int uGpus = t.getInteger("used_gpus");
    if (qCpu != null && uCpu + cpuMillis > qCpu) {
      over.add("cpu " + cores(uCpu) + " of " + cores(qCpu) + " cores in use, asked " + cores(cpuMillis));
    }
    if (qMemory != null && uMemory + memoryMb > qMemory) {
      over.add("memory " + uMemory + " of " + qMemory + " MB in use, asked " + memoryMb);
    }
    if (qGpus != null && uGpus + gpus > qGpus) {
      over.add("gpus " + uGpus + " of " + qGpus + " in use, asked " + gpus);
    }
    return over;
  }

  /** A team row (with the caller's {@code role}) as the wire shows it. */
  private static Teams.Team view(Row r, List<Teams.Member> members) {
    Long qCpu = r.getLong("quota_cpu_millis");
    return new Teams.Team(r.getString("id"), r.getString("name"), r.getString("role"), r.getString("created_by"),
        r.getOffsetDateTime("created_at").toInstant(),
        new Teams.Quota(qCpu == null ? null : qCpu / 1000.0, r.getLong("quota_memory_mb"), r.getInteger("quota_gpus")),
        new Teams.Usage(r.getLong("used_cpu_millis") / 1000.0, r.getLong("used_memory_mb"), r.getInteger("used_gpus")),
        members);
  }

  /** Millicores as cores, without trailing zeros: 4000 → "4", 1500 → "1.5". */
  static String cores(long millis) {
    return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
  }

  private static RespoolException teamNotFound(String teamId) {
    return RespoolException.notFound("team " + teamId + " not found");
  }

  private static RespoolException onlyOwners(String teamId) {
    return RespoolException.forbidden("only an owner of team " + teamId + " can do this");
  }

  private static <T> Future<T> invalid(String detail) {
    return Future.failedFuture(RespoolException.invalid(detail));
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
