package io.respool.settlement.evm;

import io.respool.bookings.PaymentOutcomes;
import io.respool.bookings.PaymentPort;
import io.respool.settlement.ChainRounds;
import io.respool.settlement.ChainSettlement;
import io.respool.settlement.EscrowChain;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Payment and settlement on an EVM chain, assembled: checks the node and the contracts against
 * the configuration at start (a mismatch stops the gateway with a clear message, before any booking
 * can be paid into the wrong place), then runs the {@link EvmWatcher} and, when this node has the
 * operator key, the {@link EvmSubmitter} on every node. A node that cannot be reached at start does
 * not stop the gateway: payments on the chain are reported not ready ({@link #notReady()}, shown on
 * {@code /ready} and in each payment's deposits) and the check is tried again, with growing pauses,
 * until the node answers; then the rounds start and catch up from the chain's logs.
 */
public final class EvmSettlement implements ChainSettlement, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EvmSettlement.class);

  private final EvmConfig config;
  private final EscrowChain chain;
  private final int feeBasisPoints;
  /** Each escrow's terms as read from the chain, by address; empty until the node has answered the check. */
  private final Map<String, EscrowChain.Terms> terms = new ConcurrentHashMap<>();
  private final EvmPayments payments;
  private volatile ChainRounds rounds; // once started
  private volatile String notReady; // why payments cannot be taken now; null once checked
  private volatile boolean stopped; // stopRounds was called: a check that passes late starts nothing
  private EvmSubmitter submitter; // with the operator key, once started

  private EvmSettlement(EvmConfig config, EscrowChain chain, int feeBasisPoints, boolean allowUnpaid) {
    this.config = config;
    this.chain = chain;
    this.feeBasisPoints = feeBasisPoints;
    this.payments = new EvmPayments(config, java.util.Collections.unmodifiableMap(terms), chain, allowUnpaid);
  }

  /**
   * Connects and checks (blocking): the chain id, and for every escrow its fee (must equal the
   * gateway's {@code feeBasisPoints}, which the usage ledger settles with) and operator (must be the
   * configured key's address, if a key is configured). If the node cannot be reached, the settlement
   * is returned not ready ({@link #notReady()}) and {@link #start} keeps trying.
   *
   * @throws IllegalStateException naming what does not match (the chain is closed then)
   */
  public static EvmSettlement connect(EvmConfig config, EscrowChain chain, int feeBasisPoints, boolean allowUnpaid) {
    EvmSettlement s = new EvmSettlement(config, chain, feeBasisPoints, allowUnpaid);
    try {
      s.terms.putAll(check(config, chain, feeBasisPoints));
    } catch (EscrowChain.ChainUnavailable e) {
      s.notReady = unreachable(config, e);
      LOG.warn("ethereum settlement on {}: {}; the gateway starts without it and keeps trying", config, s.notReady);
    } catch (RuntimeException e) {
      chain.close();
      throw e;
    }
    return s;
  }

  private static String unreachable(EvmConfig config, RuntimeException e) {
    return "the ethereum node (chain " + config.chainId() + ") does not answer: " + e.getMessage() + "; payments on ethereum wait for it";
  }

  private static Map<String, EscrowChain.Terms> check(EvmConfig config, EscrowChain chain, int feeBasisPoints) {
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
    return terms;
  }

  /** Why payments on this chain cannot be taken now (the node unreachable since start, a configuration the chain contradicts); empty when ready. */
  public Optional<String> notReady() {
    return Optional.ofNullable(notReady);
  }

  public PaymentPort payments() { return payments; }

  @Override
  public void start(Vertx vertx, Pool pool, PaymentOutcomes bookings) {
    rounds = new ChainRounds(vertx, config.pollInterval());
    if (notReady == null) {
      startRounds(vertx, pool, bookings);
      return;
    }
    // the node did not answer at start: check again until it does, then start the rounds once
    rounds.untilChecked("ethereum node check", () -> check(config, chain, feeBasisPoints), checked -> {
      if (stopped) return;
      terms.putAll(checked);
      notReady = null;
      LOG.info("ethereum settlement: the node answers; payments on ethereum are ready");
      startRounds(vertx, pool, bookings);
    }, e -> notReady = unreachable(config, e), mismatch -> {
      notReady = "ethereum settlement stopped: " + mismatch.getMessage();
      LOG.error("{}; fix the configuration and restart the gateway", notReady);
    });
  }

  private void startRounds(Vertx vertx, Pool pool, PaymentOutcomes bookings) {
    EvmWatcher watcher = new EvmWatcher(vertx, pool, chain, config, terms, bookings);
    // every node checks that the chain is the one it read before (a node without the key too: its cursors)
    EvmChainGuard guard = new EvmChainGuard(vertx, pool, chain, config);
    rounds.start("ethereum watcher", () -> guard.check().compose(x -> watcher.round()));
    if (config.operatorKey() != null) {
      submitter = new EvmSubmitter(vertx, pool, chain, config, guard);
      rounds.start("ethereum settlements", submitter::round);
    }
  }

  @Override
  public Future<Void> stopRounds() {
    stopped = true;
    ChainRounds r = rounds;
    EvmSubmitter s = submitter;
    submitter = null;
    return (r == null ? Future.<Void>succeededFuture() : r.stop()).transform(x -> s == null ? Future.<Void>succeededFuture() : s.release().otherwiseEmpty());
  }

  /** Closes the connection to the node (after the verticle stopped its rounds). */
  @Override
  public void close() {
    chain.close();
  }
}
