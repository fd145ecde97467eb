package io.respool.protocol.api;

/** An RFC 9457 problem body ({@code application/problem+json}). */
public record Problem(String type, String title, int status, String detail, String instance) {}
