/**
 * Matching and reservation, as a pure core: plain records and functions, no Vert.x, no SQL.
 *
 * <p><b>Model.</b> {@link io.respool.matching.Matcher} runs Nomad's feasibility → score → plan over
 * an immutable snapshot of {@link io.respool.matching.HostOffer}s: hard filters (online, task
 * driver, arch, region, reputation, uptime, GPU model, free capacity, price cap per replica), then
 * a pluggable {@link io.respool.matching.ScoringStrategy} ({@link io.respool.matching.Cheapest},
 * {@link io.respool.matching.BestFit}, {@link io.respool.matching.Spread}) with ties broken on
 * host id, then a {@link io.respool.matching.Plan} that places every replica (splitting CPU and
 * memory over several hosts when allowed) or a {@link io.respool.matching.Refusal} whose reason
 * names the filter that eliminated the last hosts. {@link io.respool.matching.Pricing} is integer
 * minor units, rounded up. Being pure, all of it is tested without a database or event loop, with
 * property tests for the invariants, and benchmarked with JMH.
 *
 * <p><b>A plan is only a proposal.</b> The snapshot is stale the moment it is read, and other
 * gateway nodes match concurrently, so nothing is reserved until the plan is committed.
 * {@link io.respool.matching.Ledger#reserve} is the specification of that commit: add up the
 * placements per host ({@link io.respool.matching.Ledger#perHost}), then for every host, in host id
 * order, in one transaction:
 *
 * <pre>{@code
 * UPDATE hosts SET reserved_cpu_millis = reserved_cpu_millis + $2, reserved_memory_mb = reserved_memory_mb + $3,
 *                  reserved_storage_gb = reserved_storage_gb + $4, reserved_gpus = reserved_gpus + $5
 *  WHERE id = $1 AND online
 *    AND cpu_millis - reserved_cpu_millis >= $2 AND memory_mb - reserved_memory_mb >= $3
 *    AND storage_gb - reserved_storage_gb >= $4 AND gpus - reserved_gpus >= $5
 * }</pre>
 *
 * If any update touches no row, roll back (all-or-nothing) and re-match against a fresh snapshot
 * (a bounded number of times, then refuse with {@code NO_CAPACITY}). The check and the decrement
 * are one statement under the row lock, so concurrent bookers on several nodes can never push a
 * host past its capacity; the table's CHECK constraints are the last line of defence. Release,
 * resize and host-offline mirror {@link io.respool.matching.Ledger#release},
 * {@link io.respool.matching.Ledger#resize} and {@link io.respool.matching.Ledger#hostOffline}.
 */
package io.respool.matching;
