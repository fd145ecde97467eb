package io.respool.protocol.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** Wire records of the terminal: SSH keys ({@code /v1/account/ssh-keys}) and the audit of sessions ({@code /v1/bookings/{id}/sessions}). */
public final class Terminal {
  private Terminal() {}

  /** Replaces the caller's SSH keys: authorized_keys lines ({@code ssh-ed25519 AAAA… comment}). */
  public record SshKeysRequest(List<String> keys) {}

  /** A registered key; {@code fingerprint} as OpenSSH prints it ({@code SHA256:…}). */
  public record SshKey(String type, int bits, String fingerprint, String comment, String publicKey, Instant addedAt) {}

  public record SshKeys(List<SshKey> keys) {}

  /**
   * One terminal session (an SSH channel or a WebSocket): who, into what, from where, how long,
   * how many bytes each way ({@code bytesIn} to the workload, {@code bytesOut} from it) and how it
   * ended. Never what was typed or transferred.
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Session(String id, String bookingId, int replica, String accountId, String kind, String transport, String clientAddress,
      String node, Instant startedAt, Instant endedAt, long bytesIn, long bytesOut, Integer exitCode, String exitSignal, String endReason) {}
}
