package io.respool.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;

/**
 * Configuration values by key, layered: JSON file → environment ({@code RESPOOL_UPPER_SNAKE}) →
 * system properties ({@code respool.camelCase}) → explicit overrides (command-line options).
 * Later layers win. Remembers where each value came from, for error messages.
 */
public final class ConfigSource {
  private final Map<String, String> values = new HashMap<>();
  private final Map<String, String> origins = new HashMap<>();

  public static ConfigSource load(Path file, Map<String, String> env, Properties sys, Map<String, String> overrides) {
    ConfigSource s = new ConfigSource();
    if (file != null) s.readFile(file);
    for (String key : GatewayConfig.KEYS) {
      String e = env.get(envName(key));
      if (e != null && !e.isBlank()) s.put(key, e, envName(key));
      String p = sys.getProperty("respool." + key);
      if (p != null && !p.isBlank()) s.put(key, p, "-Drespool." + key);
    }
    overrides.forEach((k, v) -> { if (v != null) s.put(k, v, "--" + k); });
    return s;
  }

  public static String envName(String key) {
    return "RESPOOL_" + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
  }

  private void readFile(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(file));
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    if (root == null || !root.isObject()) throw new ConfigException("config file " + file + " must hold a JSON object");
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!GatewayConfig.KEYS.contains(f.getKey())) throw new ConfigException("unknown key '" + f.getKey() + "' in " + file);
      JsonNode v = f.getValue();
      String text = v.isArray() ? joined(v) : v.asText();
      put(f.getKey(), text, file.toString());
    }
  }

  private static String joined(JsonNode array) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode n : array) sb.append(sb.length() == 0 ? "" : ",").append(n.asText());
    return sb.toString();
  }

  private void put(String key, String value, String origin) {
    values.put(key, value.trim());
    origins.put(key, origin);
  }

  public String get(String key) { return values.get(key); }

  public String origin(String key) { return origins.getOrDefault(key, "default"); }
}
