/**
 * Optimization suggestions, pure: analytics over recorded usage ({@link UsageProfile}), the market's
 * price percentiles ({@link Market}), the rules that turn facts into {@link Suggestion}s with their
 * evidence and their estimated saving in integer minor units ({@link Rules}), and the check that
 * holds a language model's answer to those facts ({@link Grounding}). No Vert.x, no SQL, no clock:
 * every instant is an argument. The optimizer module reads the facts and calls these.
 */
package io.respool.suggestions;
