package io.respool.bookings;

import io.respool.hosts.HostRegistry;
import io.respool.matching.HostOffer;
import io.respool.matching.Matcher;
import io.respool.matching.Placement;
import io.respool.matching.RankedOffers;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This node's recent view of the online hosts' offers, per currency, for the matcher: read from
 * PostgreSQL again once it is older than {@code maxAge} (in the background, one read at a time,
 * while the old view serves; concurrent readers share a read), and lowered by
 * what this node reserves meanwhile, so its next bookings look elsewhere. The view may be stale —
 * it only guides the choice: PostgreSQL's conditional reservation stays the judge, a conflict
 * drops the view, and a refusal is only given after a fresh read.
 */
public final class OfferSnapshots {
  private final HostRegistry hosts;
  private final long maxAgeNanos;
  private final Matcher matcher;
  private final Map<String, View> views = new HashMap<>();

  /** {@code matcher}: ranks each view it reads ({@link Matcher#rank}). */
  public OfferSnapshots(HostRegistry hosts, Duration maxAge, Matcher matcher) {
    this.hosts = hosts;
    this.maxAgeNanos = maxAge.toNanos();
    this.matcher = matcher;
  }

  private record View(Future<RankedOffers> offers, long readAt) {}

  /** Reads started because a view grew old, by currency, while that view still serves. */
  private final Map<String, Future<RankedOffers>> refreshing = new HashMap<>();

  /** The offers in {@code currency} as a list: see {@link #ranked}. */
  public Future<List<HostOffer>> offers(String currency, boolean fresh) {
    Future<RankedOffers> view = ranked(currency, fresh);
    // a view at hand is answered at once (map would answer on the view's context, later)
    return view.succeeded() ? Future.succeededFuture(view.result().offers()) : view.map(RankedOffers::offers);
  }

  /**
   * The offers in {@code currency}: the recent view, or a fresh read when there is none (or
   * {@code fresh}, or maxAge is zero: no view is kept). A view older than maxAge still serves while its next read runs (started then,
   * one at a time), so no booking waits for the fleet to be read unless it asked for a fresh view.
   * Placing on the view lowers it.
   */
  public synchronized Future<RankedOffers> ranked(String currency, boolean fresh) {
    View v = views.get(currency);
    long now = System.nanoTime();
    if (fresh || maxAgeNanos == 0 || v == null || v.offers().failed()) {
      v = new View(read(currency), now);
      views.put(currency, v);
    } else if (now - v.readAt() > maxAgeNanos && v.offers().succeeded() && !refreshing.containsKey(currency)) {
      Future<RankedOffers> read = read(currency);
      refreshing.put(currency, read);
      read.onComplete(ar -> refreshed(currency, read, now));
    }
    return v.offers();
  }

  private Future<RankedOffers> read(String currency) {
    return hosts.offers(currency).map(matcher::rank);
  }

  private synchronized void refreshed(String currency, Future<RankedOffers> read, long readAt) {
    refreshing.remove(currency);
    View v = views.get(currency);
    // a newer view (a fresh read meanwhile) wins; a failed read leaves the old view to the next reader
    if (read.succeeded() && (v == null || v.readAt() < readAt)) views.put(currency, new View(read, readAt));
  }

  /**
   * This node reserved {@code placements} (of one or many bookings): the view shows that much less
   * free on those hosts, unless it is {@code placedOn}, the view they were placed on (and so
   * lowered by) — null when they were not.
   */
  public synchronized void taken(String currency, List<Placement> placements, RankedOffers placedOn) {
    View v = views.get(currency);
    if (v == null || !v.offers().succeeded() || placements.isEmpty() || v.offers().result() == placedOn) return;
    v.offers().result().take(placements);
  }

  /** The view proved wrong (a conflict): the next reader reads again. */
  public synchronized void drop(String currency) {
    views.remove(currency);
  }
}
