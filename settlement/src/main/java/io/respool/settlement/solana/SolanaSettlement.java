package io.respool.settlement.solana;

import io.respool.bookings.PaymentOutcomes;
import io.respool.bookings.PaymentPort;
import io.respool.settlement.ChainRounds;
import io.respool.settlement.ChainSettlement;
import io.respool.settlement.EscrowChain.ChainUnavailable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Payment and settlement on Solana, assembled: checks the node, the program and its config account
 * against the configuration at start (a mismatch stops the gateway with a clear message, before any
 * booking can be paid into the wrong place), then runs the {@link SolanaWatcher} and, when this node
 * has the operator key, the {@link SolanaSubmitter} on every node. A node that cannot be reached at
 * start does not stop the gateway: payments on Solana are reported not ready ({@link #notReady()},
 * on {@code /ready} and in each payment's deposits) and the check is tried again, with growing
 * pauses, until the node answers; then the rounds start and catch up.
 */
public final class SolanaSettlement implements ChainSettlement {
  private static final Logger LOG = LoggerFactory.getLogger(SolanaSettlement.class);

  private final SolanaConfig config;
  private final SolanaRpc rpc;
  private final EscrowProgram program;
  private final int feeBps;
  private final boolean allowUnpaid;
  private volatile EscrowProgram.Config onChain; // the program's config as read; null until the node has answered the check
  private volatile String notReady; // why payments cannot be taken now; null once checked
  private volatile boolean stopped; // stopRounds was called: a check that passes late starts nothing
  private volatile ChainRounds rounds; // once started
  private SolanaPayments payments;
  private SolanaSubmitter submitter;

  private SolanaSettlement(SolanaConfig config, SolanaRpc rpc, int feeBps, boolean allowUnpaid) {
    this.config = config;
    this.rpc = rpc;
    this.program = new EscrowProgram(config.programId());
    this.feeBps = feeBps;
    this.allowUnpaid = allowUnpaid;
  }

  /**
   * Connects and checks (blocking): the program is deployed (an executable account), its config
   * account (PDA {@code ["config"]}, owned by the program) charges the gateway's
   * {@code feeBasisPoints}, names the configured key as operator (if a key is configured) and the
   * configured treasury (if one is configured). If the node cannot be reached, the settlement is
   * returned not ready ({@link #notReady()}) and {@link #start} keeps trying.
   *
   * @throws IllegalStateException naming every mismatch
   */
  public static SolanaSettlement connect(SolanaConfig config, SolanaRpc rpc, int feeBasisPoints, boolean allowUnpaid) {
    SolanaSettlement s = new SolanaSettlement(config, rpc, feeBasisPoints, allowUnpaid);
    try {
      s.onChain = check(config, rpc, s.program, feeBasisPoints);
    } catch (ChainUnavailable e) {
      s.notReady = unreachable(e);
      LOG.warn("solana settlement on {}: {}; the gateway starts without it and keeps trying", config, s.notReady);
    }
    return s;
  }

  private static String unreachable(RuntimeException e) {
    return "the solana node does not answer: " + e.getMessage() + "; payments on solana wait for it";
  }

  private static EscrowProgram.Config check(SolanaConfig config, SolanaRpc rpc, EscrowProgram program, int feeBasisPoints) {
    var programAccount = rpc.account(config.programId(), config.commitment());
    if (programAccount.isEmpty() || !programAccount.get().executable()) {
      throw new IllegalStateException("solana: no program is deployed at " + config.programId() + " on " + config.rpcUrl());
    }
    var configAccount = rpc.account(program.config(), config.commitment());
    EscrowProgram.Config c = configAccount.filter(a -> a.owner().equals(config.programId())).map(a -> EscrowProgram.decodeConfig(a.data())).orElse(null);
    if (c == null) {
      throw new IllegalStateException("solana: program " + config.programId() + " has no initialized config account at " + program.config()
          + " (is it the respool_escrow program, initialized?)");
    }
    List<String> problems = new ArrayList<>();
    if (c.feeBps() != feeBasisPoints) problems.add("the program charges " + c.feeBps() + " bps, the gateway's feeBasisPoints is " + feeBasisPoints);
    if (config.operatorKey() != null && !c.operator().equals(config.operator())) {
      problems.add("the program's operator is " + c.operator() + ", not the configured key's " + config.operator());
    }
    if (config.treasury() != null && !c.treasury().equals(config.treasury())) {
      problems.add("the program pays fees to " + c.treasury() + ", not to the configured treasury " + config.treasury());
    }
    if (!problems.isEmpty()) throw new IllegalStateException("solana escrow configuration: " + String.join("; ", problems));
    LOG.info("solana settlement on {}: fee {} bps, treasury {}, grace {} s{}", config, c.feeBps(), c.treasury(), c.graceSeconds(),
        config.operatorKey() == null ? " (no operator key: deposits are watched, settlements left to a node that has it)" : "");
    return c;
  }

  /** Why payments on Solana cannot be taken now (the node unreachable since start, a configuration the chain contradicts); empty when ready. */
  public Optional<String> notReady() {
    return Optional.ofNullable(notReady);
  }

  /** The payment port (it needs the node's Vert.x for its blockhash reads). */
  public synchronized PaymentPort payments(Vertx vertx) {
    if (payments == null) payments = new SolanaPayments(vertx, config, program, rpc, allowUnpaid, () -> onChain != null);
    return payments;
  }

  @Override
  public void start(Vertx vertx, Pool pool, PaymentOutcomes bookings) {
    rounds = new ChainRounds(vertx, config.pollInterval());
    if (notReady == null) {
      startRounds(vertx, pool, bookings);
      return;
    }
    rounds.untilChecked("solana node check", () -> check(config, rpc, program, feeBps), checked -> {
      if (stopped) return;
      onChain = checked;
      notReady = null;
      LOG.info("solana settlement: the node answers; payments on solana are ready");
      startRounds(vertx, pool, bookings);
    }, e -> notReady = unreachable(e), mismatch -> {
      notReady = "solana settlement stopped: " + mismatch.getMessage();
      LOG.error("{}; fix the configuration and restart the gateway", notReady);
    });
  }

  private synchronized void startRounds(Vertx vertx, Pool pool, PaymentOutcomes bookings) {
    SolanaWatcher watcher = new SolanaWatcher(vertx, pool, rpc, config, program, feeBps, bookings);
    rounds.start("solana watcher", watcher::round);
    if (config.operatorKey() != null) {
      submitter = new SolanaSubmitter(vertx, pool, rpc, config, program, onChain.treasury());
      rounds.start("solana settlements", submitter::round);
    }
  }

  @Override
  public Future<Void> stopRounds() {
    stopped = true;
    ChainRounds r = rounds;
    SolanaSubmitter s;
    synchronized (this) {
      s = submitter;
      submitter = null;
    }
    return (r == null ? Future.<Void>succeededFuture() : r.stop()).transform(x -> s == null ? Future.<Void>succeededFuture() : s.release().otherwiseEmpty());
  }
}
