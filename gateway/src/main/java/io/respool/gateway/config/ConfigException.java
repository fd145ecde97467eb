package io.respool.gateway.config;

/** Invalid configuration: the message says which setting, where it came from, and why. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) { super(message, null, false, false); }
}
