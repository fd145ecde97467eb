package io.respool.gateway.fuzz;

import io.respool.infra.Databases;
import io.respool.testing.TestServices;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A fresh database of its own in the test PostgreSQL (so nothing but the fuzzed node writes to it),
 * and a fingerprint of every table: row count and an md5 over the rows in order.
 */
final class DatabaseState {
  final String pgUrl;
  private final String jdbcUrl;

  private DatabaseState(String pgUrl, String jdbcUrl) {
    this.pgUrl = pgUrl;
    this.jdbcUrl = jdbcUrl;
  }

  static DatabaseState fresh(String prefix) throws Exception {
    URI shared = URI.create(TestServices.get().pgUrl);
    String name = prefix + "_" + Long.toString(System.nanoTime(), 36);
    String server = "jdbc:postgresql://" + shared.getHost() + ":" + shared.getPort();
    try (Connection c = DriverManager.getConnection(server + "/postgres?user=postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    String pgUrl = "postgresql://postgres@" + shared.getHost() + ":" + shared.getPort() + "/" + name;
    Databases.migrate(pgUrl);
    return new DatabaseState(pgUrl, server + "/" + name + "?user=postgres");
  }

  /** Table → "rows:md5" for every table of the public schema but Flyway's. */
  Map<String, String> fingerprint() throws SQLException {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet r = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'flyway%'")) {
        while (r.next()) tables.add(r.getString(1));
      }
      for (String t : tables) {
        try (ResultSet r = s.executeQuery("SELECT count(*), coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM " + t + " x")) {
          r.next();
          out.put(t, r.getLong(1) + ":" + r.getString(2));
        }
      }
    }
    return out;
  }
}
