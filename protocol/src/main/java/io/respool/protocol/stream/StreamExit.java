package io.respool.protocol.stream;

import java.util.Map;

/**
 * How a stream ended, the payload of its {@link StreamFrame.Channel#EXIT} frame, sent after the
 * last stdout/stderr byte. Exactly one shape:
 * <ul>
 * <li>{@code {"exitCode":n}}: the command exited with {@code n} (0–255);
 * <li>{@code {"signal":"KILL","exitCode":137}}: it died of a signal (name without {@code SIG});
 *     {@code exitCode} is 128 + the signal number, as a shell reports it;
 * <li>{@code {"error":"reason"}}: the command could not run or its transport failed — never a
 *     made-up exit code.
 * </ul>
 * Docker and the JDK report a signal death only as 128 + n, so the worker reports codes 129–159
 * as signals (see {@link #ofCode(int)}); a command calling {@code exit(137)} itself looks the same.
 */
public record StreamExit(Integer exitCode, String signal, String error) {
  private static final Map<Integer, String> SIGNALS = Map.ofEntries(
      Map.entry(1, "HUP"), Map.entry(2, "INT"), Map.entry(3, "QUIT"), Map.entry(4, "ILL"), Map.entry(5, "TRAP"),
      Map.entry(6, "ABRT"), Map.entry(7, "BUS"), Map.entry(8, "FPE"), Map.entry(9, "KILL"), Map.entry(10, "USR1"),
      Map.entry(11, "SEGV"), Map.entry(12, "USR2"), Map.entry(13, "PIPE"), Map.entry(14, "ALRM"), Map.entry(15, "TERM"),
      Map.entry(16, "STKFLT"), Map.entry(17, "CHLD"), Map.entry(18, "CONT"), Map.entry(19, "STOP"), Map.entry(20, "TSTP"),
      Map.entry(21, "TTIN"), Map.entry(22, "TTOU"), Map.entry(23, "URG"), Map.entry(24, "XCPU"), Map.entry(25, "XFSZ"),
      Map.entry(26, "VTALRM"), Map.entry(27, "PROF"), Map.entry(28, "WINCH"), Map.entry(29, "IO"), Map.entry(30, "PWR"),
      Map.entry(31, "SYS"));

  public StreamExit {
    if (error != null) {
      if (exitCode != null || signal != null) throw new IllegalArgumentException("an exit with an error has no exitCode or signal");
      if (error.isBlank()) throw new IllegalArgumentException("error must not be blank");
    } else {
      if (exitCode == null) throw new IllegalArgumentException("exitCode is required");
      if (exitCode < 0 || exitCode > 255) throw new IllegalArgumentException("exitCode must be between 0 and 255, was " + exitCode);
      if (signal != null && !SIGNALS.containsValue(signal)) throw new IllegalArgumentException("unknown signal " + signal);
    }
  }

  public static StreamExit code(int exitCode) { return new StreamExit(exitCode, null, null); }

  public static StreamExit failed(String reason) { return new StreamExit(null, null, reason); }

  /** An exit code as drivers report it: 128 + n for a death by signal n (1–31). */
  public static StreamExit ofCode(int code) {
    String signal = code > 128 ? SIGNALS.get(code - 128) : null;
    return new StreamExit(code, signal, null);
  }
}
