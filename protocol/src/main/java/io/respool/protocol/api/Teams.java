package io.respool.protocol.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** Wire records of {@code /v1/teams}: teams, their members, and the quotas their bookings count against. */
public final class Teams {
  private Teams() {}

  public static final String OWNER = "owner";
  public static final String MEMBER = "member";

  public record CreateRequest(String name) {}

  /** Adds {@code accountId} to a team, or changes its role; {@code role} is owner or member (default member). */
  public record MemberRequest(String accountId, String role) {}

  /** The body of {@code PUT /v1/teams/{id}/members/{accountId}}: the account comes from the path. */
  public record RoleRequest(String role) {}

  /**
   * A quota replaces the previous one as a whole: an omitted or null field is unlimited.
   *
   * @param cpu cores (thousandths allowed)
   */
  public record QuotaRequest(Double cpu, Long memoryMb, Integer gpus) {}

  /** A quota as shown: {@code null} is unlimited, and is written out as {@code null}. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Quota(Double cpu, Long memoryMb, Integer gpus) {}

  /** What the team's bookings hold now. */
  public record Usage(double cpu, long memoryMb, int gpus) {}

  public record Member(String accountId, String role, Instant addedAt) {}

  /**
   * A team as one of its members sees it; {@code role} is the caller's. {@code members} is present
   * on a single team, left out of lists.
   */
  public record Team(String id, String name, String role, String createdBy, Instant createdAt, Quota quota, Usage used,
      List<Member> members) {}

  public record TeamList(List<Team> items) {}
}
