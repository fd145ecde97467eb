package io.respool.bookings;

import io.respool.hosts.HostRegistry;
import io.respool.matching.Capacity;
import io.respool.matching.Demand;
import io.respool.matching.HostOffer;
import io.respool.matching.Ledger;
import io.respool.matching.Matcher;
import io.respool.matching.Placement;
import io.respool.matching.Plan;
import io.respool.matching.RankedOffers;
import io.respool.matching.Result;
import io.respool.matching.ScoringStrategy;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This node's recent view of the online hosts' offers, per currency, for the matcher. Once the view
 * is older than {@code maxAge} it is brought up to date in the background while it serves (one read
 * at a time): by reading only the hosts whose offer changed since its last read, and every
 * {@link #PARTIAL_READS}th time the whole fleet again. What this node places is taken off the view at
 * once, and held ({@link Hold}) until its transaction is over, so a read that may not have seen it
 * yet does not give the room back. The view may be stale — it only guides the choice: PostgreSQL's
 * conditional reservation stays the judge, a conflict drops the view, and a refusal is only given
 * after a fresh read of the whole fleet.
 */
public final class OfferSnapshots {
  /** Reads of what changed between two reads of the whole fleet (uptimes move with time, not with changes). */
  static final int PARTIAL_READS = 20;

  private final HostRegistry hosts;
  private final long maxAgeNanos;
  private final Matcher matcher;
  private final Map<String, View> views = new HashMap<>();
  /** What this node placed and has not yet seen read back: open, or ended after some read in flight started. */
  private final List<Hold> holds = new ArrayList<>();
  /** The ticks at which the reads in flight started. */
  private final List<Long> reading = new ArrayList<>();
  /** Orders reads and the ends of transactions: a read started before a transaction ended may not have seen it. */
  private long clock;

  /** {@code matcher}: ranks each view it reads ({@link Matcher#rank}). */
  public OfferSnapshots(HostRegistry hosts, Duration maxAge, Matcher matcher) {
    this.hosts = hosts;
    this.maxAgeNanos = maxAge.toNanos();
    this.matcher = matcher;
  }

  /** One read of the whole fleet, brought up to date by reads of what changed. */
  private static final class View {
    final long started;
    Future<RankedOffers> offers;
    /** When the last read applied to it was started (System.nanoTime). */
    long readAt;
    /** The snapshot of the last read applied; null until the first is. */
    String snapshot;
    int partials;
    boolean refreshing;

    View(long started, long readAt) {
      this.started = started;
      this.readAt = readAt;
    }
  }

  /** Placements of one transaction of this node, taken off the views until every read that may have missed them is applied. */
  public static final class Hold {
    private final String currency;
    private final List<Placement> placements = new ArrayList<>();
    /** The tick its transaction ended at; 0 while it runs. */
    private long done;

    private Hold(String currency) {
      this.currency = currency;
    }
  }

  /** The offers in {@code currency} as a list: see {@link #ranked}. */
  public Future<List<HostOffer>> offers(String currency, boolean fresh) {
    Future<RankedOffers> view = ranked(currency, fresh);
    // a view at hand is answered at once (map would answer on the view's context, later)
    return view.succeeded() ? Future.succeededFuture(view.result().offers()) : view.map(RankedOffers::offers);
  }

  /**
   * The offers in {@code currency}: the recent view, or a read of the whole fleet when there is none
   * (or {@code fresh}, or maxAge is zero: no view is kept). A view older than maxAge still serves
   * while its next read runs, so no booking waits for the fleet to be read unless it asked for a
   * fresh view.
   */
  public synchronized Future<RankedOffers> ranked(String currency, boolean fresh) {
    View v = views.get(currency);
    long now = System.nanoTime();
    if (fresh || maxAgeNanos == 0 || v == null || v.offers.failed()) {
      v = readAll(currency, now, null);
    } else if (now - v.readAt > maxAgeNanos && v.offers.succeeded() && !v.refreshing) {
      v.refreshing = true;
      if (v.snapshot == null || v.partials >= PARTIAL_READS) readAll(currency, now, v);
      else readChanges(currency, v, now);
    }
    return v.offers;
  }

  /**
   * A read of the whole fleet: the view at once when it {@code replaces} none (its readers wait for
   * it), else once read, unless a newer one serves by then.
   */
  private View readAll(String currency, long now, View replaces) {
    long tick = started();
    View v = new View(tick, now);
    if (replaces == null) views.put(currency, v);
    v.offers = hosts.read(currency, null).map(read -> {
      synchronized (this) {
        v.snapshot = read.snapshot();
        RankedOffers ranked = matcher.rank(held(currency, read.offers(), tick));
        View current = views.get(currency);
        // a newer view (a fresh read meanwhile) wins; a failed read leaves the old view to the next reader
        if (replaces != null && (current == null || current.started < v.started)) views.put(currency, v);
        return ranked;
      }
    }).andThen(ar -> ended(tick, replaces));
    return v;
  }

  /** A read of the hosts changed since the view's last read, applied to it unless it was replaced meanwhile. */
  private void readChanges(String currency, View v, long now) {
    long tick = started();
    String since = v.snapshot;
    hosts.read(currency, since).onComplete(ar -> {
      synchronized (this) {
        if (ar.succeeded() && views.get(currency) == v && since.equals(v.snapshot)) {
          v.offers.result().update(held(currency, ar.result().offers(), tick), ar.result().gone());
          v.snapshot = ar.result().snapshot();
          v.partials++;
          v.readAt = now;
        }
      }
      ended(tick, v);
    });
  }

  private synchronized long started() {
    long tick = ++clock;
    reading.add(tick);
    return tick;
  }

  private synchronized void ended(long tick, View refreshed) {
    reading.remove(Long.valueOf(tick));
    if (refreshed != null) refreshed.refreshing = false;
    prune();
  }

  /** Holds no read in flight can have missed are dropped (a read started after a hold ended has seen it). */
  private void prune() {
    long oldest = reading.isEmpty() ? Long.MAX_VALUE : reading.stream().mapToLong(Long::longValue).min().getAsLong();
    holds.removeIf(h -> h.done != 0 && h.done < oldest);
  }

  /** The offers of a read started at {@code tick}, less what this node held that the read may have missed. */
  private List<HostOffer> held(String currency, List<HostOffer> offers, long tick) {
    List<Placement> missed = new ArrayList<>();
    for (Hold h : holds) if (h.currency.equals(currency) && (h.done == 0 || h.done > tick)) missed.addAll(h.placements);
    if (missed.isEmpty()) return offers;
    Map<String, Capacity> taken = Ledger.perHost(missed);
    List<HostOffer> out = new ArrayList<>(offers.size());
    for (HostOffer o : offers) {
      Capacity t = taken.get(o.hostId());
      out.add(t == null ? o : o.lessFree(t));
    }
    return out;
  }

  /** A hold for the placements of one transaction in {@code currency}, to be ended by {@link #committed} or {@link #abandoned}. */
  public synchronized Hold hold(String currency) {
    Hold h = new Hold(currency);
    holds.add(h);
    return h;
  }

  /**
   * Places the demand on {@code view} (a view of the hold's currency), which it lowers, and holds
   * the plan; if a newer view serves by now, it is lowered too.
   */
  public synchronized Result place(Hold hold, RankedOffers view, Demand demand, ScoringStrategy strategy) {
    Result r = view.place(demand, strategy);
    if (r instanceof Plan p) {
      hold.placements.addAll(p.placements());
      View current = views.get(hold.currency);
      if (current != null && current.offers.succeeded() && current.offers.result() != view) current.offers.result().take(p.placements());
    }
    return r;
  }

  /** The hold's transaction committed, all of its placements but {@code refused} (they are not held). */
  public synchronized void committed(Hold hold, List<Placement> refused) {
    for (Placement p : refused) hold.placements.remove(p);
    hold.done = ++clock;
    prune();
  }

  /** The hold's transaction failed: nothing of it is held (the caller drops the view it lowered). */
  public synchronized void abandoned(Hold hold) {
    holds.remove(hold);
  }

  /**
   * This node reserved {@code placements} in a transaction that committed, without placing them on
   * a view: the view shows that much less free on those hosts, and so will a read that missed them.
   */
  public synchronized void taken(String currency, List<Placement> placements) {
    if (placements.isEmpty()) return;
    Hold h = hold(currency);
    h.placements.addAll(placements);
    h.done = ++clock;
    View v = views.get(currency);
    if (v != null && v.offers.succeeded()) v.offers.result().take(placements);
    prune();
  }

  /** The view proved wrong (a conflict): the next reader reads the whole fleet again. */
  public synchronized void drop(String currency) {
    views.remove(currency);
  }
}
