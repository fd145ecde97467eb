package io.respool.matching;

/**
 * Ranks feasible hosts for one replica. Lower scores win; equal scores are broken by the matcher
 * (by host id, or by two random choices when it has a random generator: see {@link Matcher}), so a
 * decision never depends on snapshot order.
 *
 * <p>A score must be a pure function of the {@link Candidate} (no state, no randomness): the
 * matcher scores the whole snapshot once per plan and re-scores only the hosts the plan touched.
 */
public interface ScoringStrategy {

  double score(Candidate c);

  /**
   * A feasible host for one replica.
   *
   * @param free the host's free capacity with this plan's earlier placements already subtracted
   * @param request what the replica needs
   * @param pricePerHour what the replica would cost per hour on this host
   * @param placementsInPlan how many of this plan's earlier placements are on this host
   */
  record Candidate(HostOffer host, Capacity free, Capacity request, long pricePerHour, int placementsInPlan) {

    /** Mean fraction of the host's total left free after placing the request, over the resources it has. */
    public double freeFractionAfter() {
      Capacity t = host.total();
      double sum = 0;
      int n = 0;
      if (t.cpuMillis() > 0) { sum += (double) (free.cpuMillis() - request.cpuMillis()) / t.cpuMillis(); n++; }
      if (t.memoryMb() > 0) { sum += (double) (free.memoryMb() - request.memoryMb()) / t.memoryMb(); n++; }
      if (t.storageGb() > 0) { sum += (double) (free.storageGb() - request.storageGb()) / t.storageGb(); n++; }
      if (t.gpus() > 0) { sum += (double) (free.gpus() - request.gpus()) / t.gpus(); n++; }
      return n == 0 ? 0 : sum / n;
    }
  }
}
