package io.respool.protocol;

/**
 * The one error vocabulary of ResPool. Each code carries the HTTP status it maps to (also used as
 * the event-bus failure code) and a stable problem {@code type} for RFC 9457 bodies.
 */
public enum ErrorCode {
  INVALID_REQUEST(400, "invalid-request", "Invalid request"),
  UNAUTHORIZED(401, "unauthorized", "Unauthorized"),
  FORBIDDEN(403, "forbidden", "Forbidden"),
  NOT_FOUND(404, "not-found", "Not found"),
  METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
  CONFLICT(409, "conflict", "Conflict"),
  /** No host (or set of hosts) can take the request now; the detail says which filter left nothing. */
  NO_CAPACITY(409, "no-capacity", "No capacity"),
  /** The team's quota for concurrent resources would be exceeded. */
  QUOTA_EXCEEDED(409, "quota-exceeded", "Quota exceeded"),
  PAYLOAD_TOO_LARGE(413, "payload-too-large", "Payload too large"),
  /** The request line (path and query) is too long to read. */
  URI_TOO_LONG(414, "uri-too-long", "URI too long"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type"),
  /** The request's headers are too large to read. */
  HEADERS_TOO_LARGE(431, "headers-too-large", "Request header fields too large"),
  RATE_LIMITED(429, "rate-limited", "Too many requests"),
  HOST_UNREACHABLE(504, "host-unreachable", "Host unreachable"),
  UNAVAILABLE(503, "unavailable", "Service unavailable"),
  INTERNAL(500, "internal", "Internal error");

  public static final String TYPE_PREFIX = "urn:respool:problem:";

  private final int status;
  private final String slug;
  private final String title;

  ErrorCode(int status, String slug, String title) {
    this.status = status;
    this.slug = slug;
    this.title = title;
  }

  public int status() { return status; }
  public String slug() { return slug; }
  public String title() { return title; }
  public String type() { return TYPE_PREFIX + slug; }

  public static ErrorCode fromStatus(int status) {
    for (ErrorCode c : values()) if (c.status == status) return c;
    return status >= 500 ? INTERNAL : INVALID_REQUEST;
  }

  public static ErrorCode fromSlug(String slug) {
    for (ErrorCode c : values()) if (c.slug.equals(slug)) return c;
    return INTERNAL;
  }
}
