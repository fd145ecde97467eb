package io.respool.matching;

/**
 * Bin-packing: the host left with the least free capacity after the placement wins, which keeps
 * large hosts free for large demands; work without GPUs goes to a GPU host only when no other
 * host fits, so GPUs are not stranded behind CPU work.
 */
public record BestFit() implements ScoringStrategy {
  @Override
  public double score(Candidate c) {
    boolean strandsGpus = c.request().gpus() == 0 && c.host().total().gpus() > 0;
    return c.freeFractionAfter() + (strandsGpus ? 1.0 : 0.0); // freeFractionAfter is in [0, 1]
  }
}
