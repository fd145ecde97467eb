package io.respool.protocol.stream;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a stream carries: a command's terminal or pipes, the SFTP protocol, or a TCP connection. */
public enum StreamKind {
  @JsonProperty("exec") EXEC,
  @JsonProperty("sftp") SFTP,
  @JsonProperty("forward") FORWARD
}
