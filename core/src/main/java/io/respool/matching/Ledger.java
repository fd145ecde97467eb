package io.respool.matching;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The reservation model the database must match: capacity and reserved amounts per host, and the
 * placements each booking holds. Every change is all-or-nothing and keeps, for every host at all
 * times, {@code 0 ≤ reserved ≤ capacity}; releasing every booking returns every host to zero.
 *
 * <p>Not thread-safe: it is the single-threaded specification (and the model for property
 * tests). In Postgres the same {@link #reserve} is one transaction of conditional updates, see the
 * package documentation.
 */
public final class Ledger {

  private static final class Host {
    Capacity capacity;
    Capacity reserved = Capacity.ZERO;
    boolean online = true;

    Host(Capacity capacity) {
      this.capacity = capacity;
    }
  }

  private final Map<String, Host> hosts = new TreeMap<>();
  private final Map<String, List<Placement>> bookings = new LinkedHashMap<>();

  /** Adds a host or changes its capacity; refused (false) if the new capacity is below what is reserved. */
  public boolean putHost(String hostId, Capacity capacity) {
    Host h = hosts.get(hostId);
    if (h == null) {
      hosts.put(hostId, new Host(capacity));
      return true;
    }
    if (!capacity.fits(h.reserved)) return false;
    h.capacity = capacity;
    return true;
  }

  /**
   * Reserves every placement of a plan for a booking, or nothing: false if any host is unknown,
   * offline, or lacks the capacity (placements on the same host are added up first).
   */
  public boolean reserve(String bookingId, List<Placement> placements) {
    Objects.requireNonNull(bookingId, "bookingId");
    if (bookings.containsKey(bookingId)) throw new IllegalStateException("booking " + bookingId + " already holds a reservation");
    Map<String, Capacity> perHost = perHost(placements);
    for (Map.Entry<String, Capacity> e : perHost.entrySet()) {
      Host h = hosts.get(e.getKey());
      if (h == null || !h.online || !h.capacity.minus(h.reserved).fits(e.getValue())) return false;
    }
    perHost.forEach((id, c) -> {
      Host h = hosts.get(id);
      h.reserved = h.reserved.plus(c);
    });
    bookings.put(bookingId, List.copyOf(placements));
    return true;
  }

  public boolean reserve(String bookingId, Plan plan) {
    return reserve(bookingId, plan.placements());
  }

  /** Releases a booking's reservation; returns what it held (empty if it held nothing). */
  public List<Placement> release(String bookingId) {
    List<Placement> held = bookings.remove(bookingId);
    if (held == null) return List.of();
    perHost(held).forEach((id, c) -> {
      Host h = hosts.get(id);
      h.reserved = h.reserved.minus(c);
    });
    return held;
  }

  /**
   * Replaces a booking's placements (resize, or reschedule elsewhere): the old reservation is
   * released and the new one taken, or, if the new one does not fit, the old one is kept unchanged.
   */
  public boolean resize(String bookingId, List<Placement> placements) {
    List<Placement> old = bookings.get(bookingId);
    if (old == null) return false;
    release(bookingId);
    if (reserve(bookingId, placements)) return true;
    if (!reserve(bookingId, old)) throw new IllegalStateException("could not restore booking " + bookingId);
    return false;
  }

  /** Marks a host offline and releases every booking with a placement on it; returns those bookings' ids. */
  public List<String> hostOffline(String hostId) {
    Host h = hosts.get(hostId);
    if (h == null) return List.of();
    h.online = false;
    List<String> affected = new ArrayList<>();
    for (Map.Entry<String, List<Placement>> e : bookings.entrySet()) {
      if (e.getValue().stream().anyMatch(p -> p.hostId().equals(hostId))) affected.add(e.getKey());
    }
    affected.forEach(this::release);
    return affected;
  }

  public void hostOnline(String hostId) {
    Host h = hosts.get(hostId);
    if (h != null) h.online = true;
  }

  public boolean isOnline(String hostId) {
    Host h = hosts.get(hostId);
    return h != null && h.online;
  }

  public Capacity capacity(String hostId) {
    return host(hostId).capacity;
  }

  public Capacity reserved(String hostId) {
    return host(hostId).reserved;
  }

  public Capacity free(String hostId) {
    Host h = host(hostId);
    return h.capacity.minus(h.reserved);
  }

  public TreeSet<String> hostIds() {
    return new TreeSet<>(hosts.keySet());
  }

  public List<Placement> placements(String bookingId) {
    return bookings.getOrDefault(bookingId, List.of());
  }

  public List<String> bookingIds() {
    return List.copyOf(bookings.keySet());
  }

  /** Checks reserved ≤ capacity on every host and that reserved equals the sum of the bookings' placements. */
  public void checkInvariants() {
    Map<String, Capacity> sum = new TreeMap<>();
    for (List<Placement> ps : bookings.values()) {
      perHost(ps).forEach((id, c) -> sum.merge(id, c, Capacity::plus));
    }
    hosts.forEach((id, h) -> {
      if (!h.capacity.fits(h.reserved)) throw new IllegalStateException("host " + id + " over-allocated: " + h.reserved + " > " + h.capacity);
      Capacity expected = sum.getOrDefault(id, Capacity.ZERO);
      if (!expected.equals(h.reserved)) throw new IllegalStateException("host " + id + " reserved " + h.reserved + " but bookings hold " + expected);
    });
  }

  /** Placements added up per host, in host id order (the order a database must lock rows in). */
  public static Map<String, Capacity> perHost(List<Placement> placements) {
    Map<String, Capacity> perHost = new TreeMap<>();
    for (Placement p : placements) perHost.merge(p.hostId(), p.capacity(), Capacity::plus);
    return perHost;
  }

  private Host host(String hostId) {
    Host h = hosts.get(hostId);
    if (h == null) throw new IllegalArgumentException("unknown host " + hostId);
    return h;
  }
}
