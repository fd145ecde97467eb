package io.respool.infra;

import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Amounts of money (minor units, {@link BigInteger} in code) in and out of PostgreSQL's
 * NUMERIC(78,0) columns (migration V15), which the reactive client carries as {@link BigDecimal}.
 */
public final class SqlAmounts {
  private SqlAmounts() {}

  /** A statement parameter for a NUMERIC column; null stays null. */
  public static BigDecimal param(BigInteger amount) {
    return amount == null ? null : new BigDecimal(amount);
  }

  /** Parameters for a {@code numeric[]} array. */
  public static BigDecimal[] params(BigInteger[] amounts) {
    BigDecimal[] out = new BigDecimal[amounts.length];
    for (int i = 0; i < amounts.length; i++) out[i] = param(amounts[i]);
    return out;
  }

  /** The amount in {@code column} (NUMERIC, or any integer column); null for SQL NULL. */
  public static BigInteger get(Row row, String column) {
    BigDecimal value = row.getBigDecimal(column);
    return value == null ? null : value.toBigIntegerExact();
  }
}
