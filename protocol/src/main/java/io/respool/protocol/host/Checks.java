package io.respool.protocol.host;

import java.util.List;

/** Field checks for wire records; failures become a 400 / protocol error naming the field. */
final class Checks {
  private Checks() {}

  static void range(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(field + " must be between " + min + " and " + max + ", was " + value);
    }
  }

  static String text(String field, String value, int maxLength) {
    if (value == null || value.isBlank()) throw new IllegalArgumentException(field + " is required");
    if (value.length() > maxLength) throw new IllegalArgumentException(field + " is longer than " + maxLength);
    return value;
  }

  static <T> List<T> list(String field, List<T> value, int maxSize) {
    if (value == null) return List.of();
    if (value.size() > maxSize) throw new IllegalArgumentException(field + " has more than " + maxSize + " entries");
    for (T t : value) if (t == null) throw new IllegalArgumentException(field + " has a null entry");
    return List.copyOf(value);
  }
}
