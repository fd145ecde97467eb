package io.respool.gateway.http;

import io.respool.protocol.ErrorCode;
import io.respool.protocol.RespoolException;

/** A 429 {@code rate-limited} that knows when the caller may try again ({@code Retry-After}, seconds). */
public final class RateLimitedException extends RespoolException {
  private final long retryAfterSeconds;

  public RateLimitedException(String detail, long retryAfterSeconds) {
    super(ErrorCode.RATE_LIMITED, detail);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() { return retryAfterSeconds; }
}
