package io.respool.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatementTest {
  @Test
  void onItsOwnAStatementIsItsWithQueriesThenItsMainQuery() {
    Statement s = Statement.of("b", List.of(new Statement.With("a", "SELECT $1::int AS x")), "SELECT x + $2 FROM a", Tuple.of(1, 2));
    assertThat(s.sql()).isEqualTo("WITH a AS (SELECT $1::int AS x)\nSELECT x + $2 FROM a");
    assertThat(Statement.of("c", "SELECT $1", Tuple.of(3)).sql()).isEqualTo("SELECT $1");
  }

  @Test
  void joinedStatementsNumberTheirParametersOnAndBecomeWithQueries() {
    Statement first = Statement.of("first", List.of(new Statement.With("a", "SELECT $1::int AS x, $2::int AS y")), "SELECT x FROM a", Tuple.of(1, 2));
    Statement second = Statement.of("second", "INSERT INTO t VALUES ($1, $2, $1) RETURNING $10", Tuple.of(3, 4));
    Statement both = Statement.together("both", List.of(first, second), "SELECT * FROM first, second");
    assertThat(both.sql()).isEqualTo("""
        WITH a AS (SELECT $1::int AS x, $2::int AS y),
             first AS (SELECT x FROM a),
             second AS (INSERT INTO t VALUES ($3, $4, $3) RETURNING $12)
        SELECT * FROM first, second""");
    assertThat(both.args().size()).isEqualTo(4);
    assertThat(List.of(both.args().getValue(0), both.args().getValue(1), both.args().getValue(2), both.args().getValue(3))).containsExactly(1, 2, 3, 4);
  }

  @Test
  void namesMustNotRepeatAndDollarQuotingIsRefused() {
    Statement a = Statement.of("same", "SELECT 1", Tuple.tuple());
    assertThatThrownBy(() -> Statement.together("x", List.of(a, a), "SELECT 1")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same");
    assertThatThrownBy(() -> Statement.of("q", "SELECT $$a$$", Tuple.tuple())).isInstanceOf(IllegalArgumentException.class);
  }
}
