package io.respool.settlement.evm;

import io.respool.bookings.PaymentOutcomes;
import io.respool.bookings.PaymentPort;
import io.respool.infra.PeriodicRound;
import io.respool.settlement.EscrowChain;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Payment and settlement on an EVM chain, assembled: checks the node and the contracts against
 * the configuration at start (a mismatch stops the gateway with a clear message, before any booking
 * can be paid into the wrong place), then runs the {@link EvmWatcher} and, when this node has the
 * operator key, the {@link EvmSubmitter} on every node.
 */
public final class EvmSettlement implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EvmSettlement.class);
  private static final Duration MAX_PAUSE = Duration.ofSeconds(30);

  private final EvmConfig config;
  private final EscrowChain chain;
  private final Map<String, EscrowChain.Terms> terms;
  private final EvmPayments payments;
  private final List<PeriodicRound> rounds = new ArrayList<>();
  private EvmSubmitter submitter; // with the operator key, once started

  private EvmSettlement(EvmConfig config, EscrowChain chain, Map<String, EscrowChain.Terms> terms, boolean allowUnpaid) {
    this.config = config;
    this.chain = chain;
    this.terms = terms;
    this.payments = new EvmPayments(config, terms, chain, allowUnpaid);
  }

  /**
   * Connects and checks (blocking): the chain id, and for every escrow its fee (must equal the
   * gateway's {@code feeBasisPoints}, which the usage ledger settles with) and operator (must be the
   * configured key's address, if a key is configured).
   *
   * @throws IllegalStateException naming what does not match (the chain is closed then)
   * @throws EscrowChain.ChainUnavailable if the node cannot be reached
   */
  public static EvmSettlement connect(EvmConfig config, EscrowChain chain, int feeBasisPoints, boolean allowUnpaid) {
    try {
      return check(config, chain, feeBasisPoints, allowUnpaid);
    } catch (RuntimeException e) {
      chain.close();
      throw e;
    }
  }

  private static EvmSettlement check(EvmConfig config, EscrowChain chain, int feeBasisPoints, boolean allowUnpaid) {
    long id = chain.chainId();
    if (id != config.chainId()) throw new IllegalStateException("the node at " + config + " is chain " + id + ", not the configured " + config.chainId());
    Map<String, EscrowChain.Terms> terms = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    config.escrows().forEach((currency, address) -> {
      EscrowChain.Terms t = chain.terms(address.toLowerCase());
      if (t.feeBps() != feeBasisPoints) problems.add(currency + " escrow " + address + " charges " + t.feeBps() + " bps, the gateway " + feeBasisPoints);
      if (config.operatorKey() != null && !t.operator().equalsIgnoreCase(chain.operatorAddress())) {
        problems.add(currency + " escrow " + address + " is operated by " + t.operator() + ", not by the configured key's " + chain.operatorAddress());
      }
      terms.put(address.toLowerCase(), t);
    });
    if (!problems.isEmpty()) throw new IllegalStateException("ethereum escrow configuration: " + String.join("; ", problems));
    LOG.info("ethereum settlement on {}: escrows {}{}", config, config.escrows().keySet(),
        config.operatorKey() == null ? " (no operator key: deposits are watched, settlements left to a node that has it)" : "");
    return new EvmSettlement(config, chain, terms, allowUnpaid);
  }

  public PaymentPort payments() { return payments; }

  /** Starts watching (and submitting, with the key) on this node; what the chain says reaches the bookings through {@code bookings}. */
  public void start(Vertx vertx, Pool pool, PaymentOutcomes bookings) {
    EvmWatcher watcher = new EvmWatcher(vertx, pool, chain, config, terms, bookings);
    // every node checks that the chain is the one it read before (a node without the key too: its cursors)
    EvmChainGuard guard = new EvmChainGuard(vertx, pool, chain, config);
    rounds.add(PeriodicRound.start(vertx, "ethereum watcher", config.pollInterval(),
        paced("ethereum watcher", () -> guard.check().compose(x -> watcher.round()))));
    if (config.operatorKey() != null) {
      submitter = new EvmSubmitter(vertx, pool, chain, config, guard);
      rounds.add(PeriodicRound.start(vertx, "ethereum settlements", config.pollInterval(), paced("ethereum settlements", submitter::round)));
    }
  }

  /**
   * While the node cannot be reached, a round is tried again later each time (the poll interval
   * doubled per failure, at most 32 intervals or 30 s), logged when it starts failing and when it
   * recovers rather than at every attempt.
   */
  private Supplier<Future<Void>> paced(String name, Supplier<Future<Void>> round) {
    Duration max = config.pollInterval().multipliedBy(32).compareTo(MAX_PAUSE) < 0 ? config.pollInterval().multipliedBy(32) : MAX_PAUSE;
    RetryPacing pacing = new RetryPacing(config.pollInterval(), max);
    return () -> {
      if (!pacing.due(System.nanoTime())) return Future.succeededFuture();
      return round.get().transform(ar -> {
        if (ar.succeeded()) {
          if (pacing.failures() > 0) LOG.info("{}: the chain answers again after {} failed round(s)", name, pacing.failures());
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

  /** Stops the rounds; completes when the running ones have ended and the submitter has handed its lease back. */
  public Future<Void> stopRounds() {
    List<Future<Void>> running = rounds.stream().map(PeriodicRound::stop).toList();
    rounds.clear();
    EvmSubmitter s = submitter;
    submitter = null;
    return Future.join(running).transform(x -> s == null ? Future.<Void>succeededFuture() : s.release().otherwiseEmpty());
  }

  /** Closes the connection to the node (after the verticle stopped its rounds). */
  @Override
  public void close() {
    chain.close();
  }
}
