package io.respool.gateway.http;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The OpenAPI contract the router is built from. {@code openapi.yaml} is served as written; the
 * router gets a copy whose response media types are limited to the ones vertx-openapi accepts
 * (it validates requests only, so responses such as {@code application/problem+json} only
 * document what we send).
 */
final class Contract {
  private static final Set<String> ROUTER_RESPONSE_TYPES = Set.of("application/json", "text/plain");

  private Contract() {}

  @SuppressWarnings("unchecked")
  static JsonObject forRouter(String yaml) {
    Map<String, Object> tree = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    JsonObject contract = new JsonObject(tree);
    JsonObject shared = contract.getJsonObject("components", new JsonObject()).getJsonObject("responses", new JsonObject());
    shared.forEach(e -> strip((JsonObject) e.getValue()));
    JsonObject paths = contract.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        JsonObject responses = item.getJsonObject(method).getJsonObject("responses", new JsonObject());
        responses.forEach(e -> strip((JsonObject) e.getValue()));
      }
    }
    return contract;
  }

  private static void strip(JsonObject response) {
    JsonObject content = response.getJsonObject("content");
    if (content == null) return;
    content.fieldNames().removeIf(type -> !ROUTER_RESPONSE_TYPES.contains(type));
    if (content.isEmpty()) response.remove("content");
  }
}
