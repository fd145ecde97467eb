/**
 * Metering and settlement math, as a pure core: records and static functions, no Vert.x, no SQL, no
 * clock (the instant a bill is for is an argument).
 *
 * <p>{@link io.respool.metering.Billing#bill} turns a booking's usage ledger (its tasks'
 * {@link io.respool.metering.TaskTimeline running intervals} and its hosts'
 * {@link io.respool.metering.Outage outages}) into a {@link io.respool.metering.Bill}: per task,
 * running time before {@code asOf} minus the host's outages, measured exactly and rounded down to
 * whole seconds, priced with {@link io.respool.matching.Pricing#cost} (rounded up).
 * {@link io.respool.metering.Billing#cappedAt} limits a bill to the deposit,
 * {@link io.respool.metering.Billing#reachedAt} says when a bill will reach an amount (warnings,
 * pause at exhaustion), and {@link io.respool.metering.Settlement#of} divides the deposit into host
 * shares, fee and refund that add up to it exactly. {@link io.respool.metering.UsageSeries} turns
 * usage samples into the points of the usage endpoint.
 */
package io.respool.metering;
