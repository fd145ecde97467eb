package io.respool.gateway.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The response schemas of {@code openapi.yaml} (as the gateway serves it, from the class path),
 * checked with Vert.x's JSON Schema validator (draft 2020-12, what OpenAPI 3.1 uses): a body is
 * checked against the schema its operation declares for its status and media type. An operation
 * that declares no such response, or no schema for it, is a failure too: the contract must say
 * what every answer looks like.
 */
public final class ContractSchemas {
  private static final String BASE = "https://respool.invalid/openapi.json";
  private static final java.util.Set<String> METHODS = java.util.Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static final ContractSchemas INSTANCE = new ContractSchemas();

  private final JsonObject doc;
  private final SchemaRepository repository;
  private final JsonSchemaOptions options = new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri(BASE)
      .setOutputFormat(OutputFormat.Basic);

  private ContractSchemas() {
    doc = load();
    repository = SchemaRepository.create(options);
    repository.dereference(BASE, JsonSchema.of(doc.copy())); // it annotates what it is given: keep ours clean
  }

  public static ContractSchemas get() { return INSTANCE; }

  public JsonObject document() { return doc; }

  /** One operation of the contract. */
  public record Operation(String id, String method, String path, JsonObject spec) {
    public boolean secured() { return spec.containsKey("security"); }
  }

  public List<Operation> operations() {
    List<Operation> out = new ArrayList<>();
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (!METHODS.contains(method)) continue; // summary, parameters, … of the path item
        JsonObject op = item.getJsonObject(method);
        out.add(new Operation(op.getString("operationId"), method.toUpperCase(java.util.Locale.ROOT), path, op));
      }
    }
    return out;
  }

  public Operation operation(String id) {
    return operations().stream().filter(o -> o.id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("the contract has no operation " + id));
  }

  /** The response object of {@code status} ({@code $ref}s to components/responses followed), or null. */
  public JsonObject response(String operationId, int status) {
    JsonObject r = operation(operationId).spec().getJsonObject("responses", new JsonObject()).getJsonObject(Integer.toString(status));
    if (r != null && r.containsKey("$ref")) r = pointer(r.getString("$ref"));
    return r;
  }

  /** The declared media types of a response (empty for a response without content). */
  public List<String> mediaTypes(String operationId, int status) {
    JsonObject r = response(operationId, status);
    return r == null || r.getJsonObject("content") == null ? List.of() : List.copyOf(r.getJsonObject("content").fieldNames());
  }

  /** Why the answer does not match the contract, or null when it does. */
  public String check(String operationId, int status, String contentType, String body) {
    JsonObject r = response(operationId, status);
    if (r == null) return operationId + " declares no " + status + " response";
    JsonObject content = r.getJsonObject("content");
    String type = contentType == null ? "" : contentType.split(";")[0].trim();
    if (content == null || content.isEmpty()) {
      return body == null || body.isEmpty() ? null : operationId + " " + status + " declares no content but got " + type;
    }
    JsonObject media = content.getJsonObject(type);
    if (media == null) return operationId + " " + status + " got " + type + ", the contract declares " + content.fieldNames();
    JsonObject schema = media.getJsonObject("schema");
    if (schema == null) return operationId + " " + status + " " + type + " has no schema";
    if (!type.endsWith("json")) {
      return "string".equals(schema.getString("type")) && body != null && !body.isEmpty() ? null
          : operationId + " " + status + " " + type + ": an empty body or a schema other than a string";
    }
    return validate(schema, body, operationId + " " + status);
  }

  /** Why {@code json} is not an instance of {@code components/schemas/<name>}, or null. */
  public String checkSchema(String name, String json) {
    if (!doc.getJsonObject("components").getJsonObject("schemas").containsKey(name)) return "no schema " + name;
    return validate(new JsonObject().put("$ref", "#/components/schemas/" + name), json, name);
  }

  /** Its {@code $ref}s ({@code #/components/…}) resolve in the contract, which the repository holds at {@link #BASE}. */
  private String validate(JsonObject schema, String json, String what) {
    Object instance;
    try {
      instance = parse(json);
    } catch (RuntimeException e) {
      return what + ": the body is not JSON: " + abbreviate(json);
    }
    OutputUnit out = repository.validator(JsonSchema.of(absolute(schema.copy())), options).validate(instance);
    if (Boolean.TRUE.equals(out.getValid())) return null;
    List<String> errors = new ArrayList<>();
    collect(out, errors);
    return what + " does not match its schema: " + String.join("; ", errors.subList(0, Math.min(6, errors.size())))
        + "\n      body: " + abbreviate(json);
  }

  /** Local {@code $ref}s made absolute (the repository resolves them; a schema given apart is not read relative to the base). */
  private static JsonObject absolute(JsonObject schema) {
    for (String k : schema.fieldNames()) {
      Object v = schema.getValue(k);
      if (k.equals("$ref") && v instanceof String ref && ref.startsWith("#")) schema.put(k, BASE + ref);
      else if (v instanceof JsonObject o) absolute(o);
      else if (v instanceof JsonArray a) a.forEach(x -> { if (x instanceof JsonObject o) absolute(o); });
    }
    return schema;
  }

  private static void collect(OutputUnit u, List<String> into) {
    if (u.getError() != null) into.add(u.getInstanceLocation() + " " + u.getError() + " (" + u.getKeywordLocation() + ")");
    if (u.getErrors() != null) u.getErrors().forEach(e -> collect(e, into));
  }

  private static Object parse(String json) {
    String t = json.trim();
    if (t.startsWith("{")) return new JsonObject(t);
    if (t.startsWith("[")) return new JsonArray(t);
    return io.vertx.core.json.Json.decodeValue(t);
  }

  private JsonObject pointer(String ref) {
    Object node = doc;
    for (String part : ref.substring(2).split("/")) {
      node = ((JsonObject) node).getValue(part.replace("~1", "/").replace("~0", "~"));
    }
    return (JsonObject) node;
  }

  private static String abbreviate(String s) {
    return s == null ? "null" : s.length() > 600 ? s.substring(0, 600) + "…" : s;
  }

  @SuppressWarnings("unchecked")
  private static JsonObject load() {
    try (InputStream in = ContractSchemas.class.getClassLoader().getResourceAsStream("openapi.yaml")) {
      if (in == null) throw new IllegalStateException("openapi.yaml is not on the class path");
      Map<String, Object> tree = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions()))
          .load(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      // YAML keys such as "200" are strings already; JSON round trip gives plain JsonObjects all the way down
      return new JsonObject(io.vertx.core.json.Json.encode(tree));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
