package io.respool.infra;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SQL statement with its arguments, written as named parts: its WITH queries, then its main
 * query. It runs on its own ({@link #execute}), or {@link #together} with others as one statement
 * in which each one's main query becomes a WITH query named {@code name}. PostgreSQL runs every
 * data-modifying WITH query of a statement to completion, all on one snapshot, and the statement
 * succeeds or fails as a whole: sent outside a transaction, it commits on its own, one round trip
 * and one answer. A part's text numbers its parameters from {@code $1} within its statement;
 * joining them numbers them on. A query that is not data-modifying (a check) runs only where the
 * final query reads it.
 */
public final class Statement {
  private static final Pattern PARAM = Pattern.compile("\\$(\\d+)");

  /** A WITH query: {@code name AS (text)}. */
  public record With(String name, String text) {}

  private final String name;
  private final List<With> with;
  private final String main;
  private final Tuple args;

  private Statement(String name, List<With> with, String main, Tuple args) {
    if (main.contains("$$") || with.stream().anyMatch(w -> w.text().contains("$$"))) throw new IllegalArgumentException("dollar quoting cannot be renumbered");
    this.name = name;
    this.with = List.copyOf(with);
    this.main = main;
    this.args = args;
  }

  /** {@code main} with {@code with} before it; {@code name} names its main query when it is joined with others. */
  public static Statement of(String name, List<With> with, String main, Tuple args) { return new Statement(name, with, main, args); }

  public static Statement of(String name, String main, Tuple args) { return new Statement(name, List.of(), main, args); }

  /** The statement's text, as sent on its own. */
  public String sql() {
    if (with.isEmpty()) return main;
    StringBuilder b = new StringBuilder("WITH ");
    for (int i = 0; i < with.size(); i++) b.append(i == 0 ? "" : ",\n     ").append(with.get(i).name()).append(" AS (").append(with.get(i).text()).append(')');
    return b.append('\n').append(main).toString();
  }

  public Tuple args() { return args; }

  public Future<RowSet<Row>> execute(SqlClient c) { return c.preparedQuery(sql()).execute(args); }

  /**
   * {@code parts} as one statement: each one's WITH queries and then its main query as WITH queries
   * of it, in that order, and {@code last} (which reads them by name) as its main query. Names must
   * not repeat.
   */
  public static Statement together(String name, List<Statement> parts, String last) {
    List<With> with = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Tuple args = Tuple.tuple();
    for (Statement p : parts) {
      int offset = args.size();
      for (With w : p.with) with.add(new With(unique(names, w.name()), renumber(w.text(), offset)));
      with.add(new With(unique(names, p.name), renumber(p.main, offset)));
      for (int i = 0; i < p.args.size(); i++) args.addValue(p.args.getValue(i));
    }
    return new Statement(name, with, last, args);
  }

  private static String unique(Set<String> names, String name) {
    if (!names.add(name)) throw new IllegalArgumentException("two parts named " + name);
    return name;
  }

  private static String renumber(String text, int offset) {
    if (offset == 0) return text;
    Matcher m = PARAM.matcher(text);
    StringBuilder b = new StringBuilder();
    while (m.find()) m.appendReplacement(b, "\\$" + (Integer.parseInt(m.group(1)) + offset));
    m.appendTail(b);
    return b.toString();
  }
}
