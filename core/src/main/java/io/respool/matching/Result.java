package io.respool.matching;

/** What {@link Matcher#match} decides: a {@link Plan} or a {@link Refusal} that says why. */
public sealed interface Result permits Plan, Refusal {}
