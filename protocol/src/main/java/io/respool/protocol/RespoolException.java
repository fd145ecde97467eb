package io.respool.protocol;

/** A failure that maps to one {@link ErrorCode}; its message is safe to show to the caller. */
public class RespoolException extends RuntimeException {
  private final ErrorCode code;

  public RespoolException(ErrorCode code, String detail) {
    super(detail, null, false, false);
    this.code = code;
  }

  public ErrorCode code() { return code; }

  public static RespoolException invalid(String detail) { return new RespoolException(ErrorCode.INVALID_REQUEST, detail); }
  public static RespoolException unauthorized(String detail) { return new RespoolException(ErrorCode.UNAUTHORIZED, detail); }
  public static RespoolException notFound(String detail) { return new RespoolException(ErrorCode.NOT_FOUND, detail); }
  public static RespoolException forbidden(String detail) { return new RespoolException(ErrorCode.FORBIDDEN, detail); }
}
