package io.respool.settlement;

import io.respool.infra.PeriodicRound;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A chain's rounds on this node (its watcher, its outbox, a check waiting for the node), each every
 * poll interval, one at a time. While the chain's node cannot be reached
 * ({@link EscrowChain.ChainUnavailable}) a round is tried again later each time (the poll interval
 * doubled per failure, at most 32 intervals or 30 s: {@link RetryPacing}), logged when it starts
 * failing and when it recovers rather than at every attempt.
 */
public final class ChainRounds {
  private static final Logger LOG = LoggerFactory.getLogger(ChainRounds.class);
  private static final Duration MAX_PAUSE = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final Duration interval;
  private final List<PeriodicRound> rounds = new ArrayList<>();

  public ChainRounds(Vertx vertx, Duration pollInterval) {
    this.vertx = vertx;
    this.interval = pollInterval;
  }

  /** Runs {@code round} every poll interval from now on, paced while the node cannot be reached. */
  public synchronized void start(String name, Supplier<Future<Void>> round) {
    rounds.add(PeriodicRound.start(vertx, name, interval, paced(name, round)));
  }

  private Supplier<Future<Void>> paced(String name, Supplier<Future<Void>> round) {
    Duration max = interval.multipliedBy(32).compareTo(MAX_PAUSE) < 0 ? interval.multipliedBy(32) : MAX_PAUSE;
    RetryPacing pacing = new RetryPacing(interval, max);
    return () -> {
      if (!pacing.due(System.nanoTime())) return Future.succeededFuture();
      return round.get().transform(ar -> {
        if (ar.succeeded()) {
          if (pacing.failures() > 0) LOG.info("{}: the node answers again after {} failed round(s)", name, pacing.failures());
          pacing.succeeded();
          return Future.succeededFuture();
        }
        if (!(ar.cause() instanceof EscrowChain.ChainUnavailable)) return Future.failedFuture(ar.cause());
        Duration pause = pacing.failed(System.nanoTime());
        if (pacing.failures() == 1) LOG.warn("{}: {}; trying again with growing pauses (now {} ms)", name, ar.cause().getMessage(), pause.toMillis());
        return Future.succeededFuture();
      });
    };
  }

  /**
   * Checks the chain's node and its contracts against the configuration (blocking {@code check},
   * off the event loop) every poll interval, paced while the node cannot be reached, until the
   * check gives an answer: {@code passed} with its result, or {@code refused} with a mismatch
   * (then no more attempts). Each failed attempt tells {@code unreachable} why.
   */
  public <T> void untilChecked(String name, java.util.concurrent.Callable<T> check, java.util.function.Consumer<T> passed,
      java.util.function.Consumer<EscrowChain.ChainUnavailable> unreachable, java.util.function.Consumer<Throwable> refused) {
    java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
    start(name, () -> {
      if (answered.get()) return Future.succeededFuture();
      return vertx.executeBlocking(check, false).transform(ar -> {
        if (ar.failed() && ar.cause() instanceof EscrowChain.ChainUnavailable e) {
          unreachable.accept(e);
          return Future.failedFuture(e); // paced: tried again later, logged once
        }
        answered.set(true);
        if (ar.succeeded()) passed.accept(ar.result());
        else refused.accept(ar.cause());
        return Future.succeededFuture();
      });
    });
  }

  /** Stops every round; completes when the running ones have ended. */
  public synchronized Future<Void> stop() {
    List<Future<Void>> running = rounds.stream().map(PeriodicRound::stop).toList();
    rounds.clear();
    return Future.join(running).mapEmpty();
  }
}
