package io.respool.hostworker;

import java.net.URI;

/** A successful registration: the gateway accepted {@code hostId} on {@code url}. */
public record Registration(String hostId, String sessionId, URI url, long heartbeatIntervalMs) {}
