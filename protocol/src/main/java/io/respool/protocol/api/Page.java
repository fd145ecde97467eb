package io.respool.protocol.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A page of a listing; {@code next} is the cursor for the following page, null on the last. */
public record Page<T>(List<T> items, @JsonInclude(JsonInclude.Include.ALWAYS) String next) {}
