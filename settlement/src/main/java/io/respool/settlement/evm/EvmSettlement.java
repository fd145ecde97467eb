package io.respool.settlement.evm;

import io.respool.bookings.BookingService;
import io.respool.bookings.BookingStore;
import io.respool.bookings.PaymentPort;
import io.respool.infra.PeriodicRound;
import io.respool.settlement.EscrowChain;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

  private final EvmConfig config;
  private final EscrowChain chain;
  private final Map<String, EscrowChain.Terms> terms;
  private final EvmPayments payments;
  private final List<AutoCloseable> rounds = new ArrayList<>();

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

  /** Starts watching (and submitting, with the key) on this node. */
  public void start(Vertx vertx, Pool pool, BookingService bookings, BookingStore store) {
    EvmWatcher watcher = new EvmWatcher(vertx, pool, chain, config, terms, bookings, store);
    rounds.add(PeriodicRound.start(vertx, "ethereum watcher", config.pollInterval(), watcher::round));
    if (config.operatorKey() != null) {
      EvmSubmitter submitter = new EvmSubmitter(vertx, pool, chain, config);
      rounds.add(PeriodicRound.start(vertx, "ethereum settlements", config.pollInterval(), submitter::round));
    }
  }

  @Override
  public void close() {
    for (AutoCloseable r : rounds) {
      try {
        r.close();
      } catch (Exception e) {
        LOG.warn("stopping {}: {}", r, e.toString());
      }
    }
    chain.close();
  }
}
