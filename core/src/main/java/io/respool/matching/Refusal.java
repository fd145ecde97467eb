package io.respool.matching;

/** Why a demand cannot be placed: a stable code for clients and a sentence for people. */
public record Refusal(Reason reason, String message) implements Result {

  /** In pipeline order: a refusal names the last filter that eliminated any host. */
  public enum Reason {
    NO_HOSTS,
    HOST_OFFLINE,
    NO_DRIVER,
    NO_GPU_DRIVER,
    ARCH,
    REGION,
    REPUTATION,
    UPTIME,
    DURATION,
    NO_PAYOUT,
    GPU_MODEL_UNAVAILABLE,
    NO_CAPACITY,
    PRICE_CAP
  }
}
