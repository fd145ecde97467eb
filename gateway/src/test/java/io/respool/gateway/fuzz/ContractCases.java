package io.respool.gateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Hostile requests generated from {@code openapi.yaml} as the gateway serves it: for every operation,
 * every path and query parameter and every property of its JSON body, the values the contract (or
 * the record the body is decoded into) rules out — wrong types, out of range, huge numbers, too
 * long strings, NUL and lone surrogates, unknown enum values, unknown and missing fields, duplicate
 * keys — plus whole-body garbage (malformed, truncated, deeply nested, not an object, too large,
 * wrong media type). Every case is one the gateway must refuse; each says which field it is about,
 * so the answer can be checked for naming it. Values are drawn from a seeded {@link Random}.
 */
final class ContractCases {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** One operation of the contract. */
  record Operation(String id, String method, String path, boolean secured, List<Param> params, ObjectNode bodySchema) {
    boolean hasBody() { return bodySchema != null; }
  }

  record Param(String name, String in, ObjectNode schema, boolean required) {}

  /**
   * One request: {@code field} is what the refusal must name (null when the whole body or request is
   * at fault); {@code expect} is the status family or exact status wanted.
   */
  record Case(String operation, String what, String method, String path, Map<String, String> headers, byte[] body, String field,
      int expect) {
    @Override
    public String toString() { return operation + " [" + what + "] " + method + " " + abbreviate(path, 120); }
  }

  /** Status expectations: an exact code, or any 4xx. */
  static final int ANY_4XX = 4;

  final List<Operation> operations = new ArrayList<>();
  private final Random random;

  ContractCases(long seed) {
    this.random = new Random(seed);
    Map<String, Object> tree = load();
    JsonNode root = JSON.valueToTree(tree);
    for (Iterator<Map.Entry<String, JsonNode>> p = root.path("paths").fields(); p.hasNext(); ) {
      Map.Entry<String, JsonNode> path = p.next();
      for (Iterator<Map.Entry<String, JsonNode>> m = path.getValue().fields(); m.hasNext(); ) {
        Map.Entry<String, JsonNode> op = m.next();
        JsonNode o = op.getValue();
        List<Param> params = new ArrayList<>();
        for (JsonNode given : o.path("parameters")) {
          // a shared parameter (components/parameters) is given by reference
          JsonNode prm = given.has("$ref") ? root.at(given.path("$ref").asText().substring(1)) : given;
          params.add(new Param(prm.path("name").asText(), prm.path("in").asText(), (ObjectNode) prm.path("schema"), prm.path("required").asBoolean()));
        }
        JsonNode body = o.path("requestBody").path("content").path("application/json").path("schema");
        operations.add(new Operation(o.path("operationId").asText(), op.getKey().toUpperCase(java.util.Locale.ROOT), path.getKey(),
            o.has("security"), params, body.isObject() ? (ObjectNode) body : null));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> load() {
    try (InputStream in = ContractCases.class.getClassLoader().getResourceAsStream("openapi.yaml")) {
      if (in == null) throw new IllegalStateException("openapi.yaml is not on the class path");
      return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A body the contract accepts, from the schema and the overrides (field → value). */
  ObjectNode validBody(Operation op, Map<String, Object> overrides) {
    ObjectNode body = F.objectNode();
    ObjectNode props = (ObjectNode) op.bodySchema().path("properties");
    List<String> required = new ArrayList<>();
    op.bodySchema().path("required").forEach(r -> required.add(r.asText()));
    for (String name : required) body.set(name, validValue((ObjectNode) props.get(name)));
    overrides.forEach((k, v) -> body.set(k, JSON.valueToTree(v)));
    return body;
  }

  private JsonNode validValue(ObjectNode s) {
    if (s.has("enum")) return s.get("enum").get(0);
    String type = type(s);
    return switch (type) {
      case "integer" -> F.numberNode(Math.max(1, s.path("minimum").asLong(1)));
      case "number" -> F.numberNode(1);
      case "boolean" -> F.booleanNode(true);
      case "array" -> F.arrayNode();
      case "object" -> F.objectNode();
      default -> F.textNode("fuzz");
    };
  }

  /** The first non-null type of a schema ({@code type: [integer, "null"]} is integer). */
  static String type(JsonNode s) {
    JsonNode t = s.path("type");
    if (t.isArray()) {
      for (JsonNode x : t) if (!"null".equals(x.asText())) return x.asText();
    }
    return t.asText("string");
  }

  static boolean nullable(JsonNode s) {
    JsonNode t = s.path("type");
    if (!t.isArray()) return false;
    for (JsonNode x : t) if ("null".equals(x.asText())) return true;
    return false;
  }

  /** Values of the wrong type for a property of {@code type}. */
  private List<JsonNode> wrongTypes(String type) {
    List<JsonNode> out = new ArrayList<>();
    if (!type.equals("string")) out.add(F.textNode(random.nextBoolean() ? "lots" : "1"));
    if (!type.equals("integer") && !type.equals("number")) out.add(F.numberNode(random.nextInt(1000)));
    if (type.equals("integer")) out.add(F.numberNode(1.5));
    if (!type.equals("boolean")) out.add(F.booleanNode(true));
    if (!type.equals("array")) out.add(F.arrayNode().add(1));
    if (!type.equals("object")) out.add(F.objectNode().put("k", 1));
    return out;
  }

  /** What each property of the body can be that the gateway must refuse, named for the report. */
  private Map<String, JsonNode> badValues(String name, ObjectNode s) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    String type = type(s);
    int i = 0;
    for (JsonNode w : wrongTypes(type)) out.put("wrong type " + (i++) + " " + w.getNodeType(), w);
    if (!nullable(s)) out.put("null", F.nullNode());
    switch (type) {
      case "integer", "number" -> {
        if (s.has("minimum")) out.put("below minimum", F.numberNode(s.get("minimum").asLong() - 1 - random.nextInt(1000)));
        if (s.has("maximum")) out.put("above maximum", F.numberNode(s.get("maximum").asLong() + 1 + random.nextInt(1000)));
        // beyond a 64-bit integer: the contract has no maximum, the record cannot hold it
        out.put("huge", F.numberNode(new java.math.BigInteger("9".repeat(20 + random.nextInt(40)))));
        if (type.equals("number")) out.put("overflowing", F.numberNode(new java.math.BigDecimal("1e" + (400 + random.nextInt(500)))));
      }
      case "string" -> {
        if (s.has("maxLength")) out.put("too long", F.textNode(randomText(s.get("maxLength").asInt() + 1 + random.nextInt(20), false)));
        if (s.has("enum")) {
          out.put("not in the enum", F.textNode(randomText(8, false)));
          out.put("enum in upper case", F.textNode(s.get("enum").get(0).asText().toUpperCase(java.util.Locale.ROOT)));
        }
        out.put("NUL character", F.textNode("a\u0000b"));
        out.put("lone surrogate", F.textNode("a\ud800b"));
      }
      case "array" -> {
        JsonNode items = s.path("items");
        if (s.has("maxItems")) {
          ArrayNode many = F.arrayNode();
          for (int k = 0; k <= s.get("maxItems").asInt(); k++) many.add(validValue((ObjectNode) items));
          out.put("too many items", many);
        }
        if (items.isObject()) {
          String itemType = type(items);
          out.put("item of the wrong type", F.arrayNode().add(wrongTypes(itemType).get(0)));
          if (items.has("maximum")) out.put("item above maximum", F.arrayNode().add(items.get("maximum").asLong() + 1));
          if (items.has("minimum")) out.put("item below minimum", F.arrayNode().add(items.get("minimum").asLong() - 1));
          if (itemType.equals("string")) out.put("item with NUL", F.arrayNode().add("x\u0000"));
        }
      }
      case "object" -> {
        JsonNode add = s.path("additionalProperties");
        if (s.has("maxProperties")) {
          ObjectNode many = F.objectNode();
          for (int k = 0; k <= s.get("maxProperties").asInt(); k++) many.put("K" + k, "v");
          out.put("too many properties", many);
        }
        if (add.isObject() && "string".equals(type(add))) {
          out.put("value of the wrong type", F.objectNode().put("K", 1));
          out.put("key with NUL", F.objectNode().put("K\u0000", "v"));
          out.put("value with NUL", F.objectNode().put("K", "v\u0000"));
        }
      }
      default -> { }
    }
    return out;
  }

  /** Every refused-body case of the operation, on {@code path} with {@code headers}, around a valid {@code base}. */
  List<Case> bodyCases(Operation op, String path, Map<String, String> headers, ObjectNode base) {
    List<Case> out = new ArrayList<>();
    Map<String, String> json = with(headers, "Content-Type", "application/json");
    ObjectNode props = (ObjectNode) op.bodySchema().path("properties");
    for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      badValues(p.getKey(), (ObjectNode) p.getValue()).forEach((what, value) -> {
        ObjectNode b = base.deepCopy();
        b.set(p.getKey(), value);
        out.add(new Case(op.id(), p.getKey() + ": " + what, op.method(), path, json, bytes(text(b)), p.getKey(), 400));
      });
    }
    for (JsonNode r : op.bodySchema().path("required")) {
      ObjectNode b = base.deepCopy();
      b.remove(r.asText());
      out.add(new Case(op.id(), r.asText() + ": missing", op.method(), path, json, bytes(b.toString()), r.asText(), 400));
    }
    String unknown = "bogus" + random.nextInt(1000);
    ObjectNode extra = base.deepCopy().put(unknown, 1);
    out.add(new Case(op.id(), "unknown field", op.method(), path, json, bytes(extra.toString()), unknown, 400));
    if (base.size() > 0) {
      String first = base.fieldNames().next();
      String text = base.toString();
      String dup = "{\"" + first + "\":" + base.get(first) + "," + text.substring(1);
      out.add(new Case(op.id(), "duplicate key", op.method(), path, json, bytes(dup), first, 400));
    }
    String text = base.toString();
    out.add(new Case(op.id(), "truncated JSON", op.method(), path, json, bytes(text.substring(0, Math.max(1, text.length() - 1 - random.nextInt(Math.max(1, text.length() - 1))))), null, 400));
    out.add(new Case(op.id(), "not JSON", op.method(), path, json, bytes("hello " + randomText(5, false)), null, 400));
    out.add(new Case(op.id(), "trailing garbage", op.method(), path, json, bytes(text + " {}"), null, 400));
    out.add(new Case(op.id(), "empty body", op.method(), path, json, new byte[0], null, 400));
    out.add(new Case(op.id(), "JSON null", op.method(), path, json, bytes("null"), null, 400));
    out.add(new Case(op.id(), "an array", op.method(), path, json, bytes("[" + text + "]"), null, 400));
    out.add(new Case(op.id(), "a string", op.method(), path, json, bytes("\"" + randomText(10, false).replace("\"", "") + "\""), null, 400));
    int depth = 2000 + random.nextInt(8000);
    out.add(new Case(op.id(), "deep nesting (" + depth + ")", op.method(), path, json,
        bytes("{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}"), null, 400));
    out.add(new Case(op.id(), "deep nesting in a known field", op.method(), path, json,
        bytes(text.substring(0, text.length() - 1) + (base.size() > 0 ? "," : "") + "\"" + (props.fieldNames().hasNext() ? props.fieldNames().next() : "x")
            + "\":" + "[".repeat(depth) + "]".repeat(depth) + "}"), null, 400));
    out.add(new Case(op.id(), "number of 5000 digits", op.method(), path, json,
        bytes("{\"n\":" + "9".repeat(5000) + "}"), null, 400));
    out.add(new Case(op.id(), "body over 64 KiB", op.method(), path, json,
        bytes("{\"x\":\"" + "a".repeat(70_000 + random.nextInt(10_000)) + "\"}"), null, 413));
    out.add(new Case(op.id(), "text/plain", op.method(), path, with(headers, "Content-Type", "text/plain"), bytes(text), null, ANY_4XX));
    out.add(new Case(op.id(), "no content type", op.method(), path, headers, bytes(text), null, ANY_4XX));
    out.add(new Case(op.id(), "invalid UTF-8", op.method(), path, json, invalidUtf8(text), null, ANY_4XX));
    return out;
  }

  /** Refused path parameters: too long, and (status {@code anyStatus}: 400 or 404) traversal and unicode. */
  List<Case> pathCases(Operation op, Map<String, String> headers, java.util.function.BiFunction<String, String, String> withParam) {
    List<Case> out = new ArrayList<>();
    for (Param p : op.params()) {
      if (!p.in().equals("path")) continue;
      int max = p.schema().path("maxLength").asInt(64);
      out.add(new Case(op.id(), p.name() + ": too long", op.method(), withParam.apply(p.name(), enc(randomText(max + 1 + random.nextInt(50), true))),
          headers, null, p.name(), 400));
      out.add(new Case(op.id(), p.name() + ": 6000 characters", op.method(), withParam.apply(p.name(), "a".repeat(6000)), headers, null, p.name(), ANY_4XX));
      for (String v : List.of("..%2F..%2Fetc%2Fpasswd", "%00", enc("' OR '1'='1"), enc("名🙂\u202e"), "%C3%28")) {
        out.add(new Case(op.id(), p.name() + ": " + v, op.method(), withParam.apply(p.name(), v), headers, null, null, ANY_4XX));
      }
    }
    return out;
  }

  /** Refused query parameters. */
  List<Case> queryCases(Operation op, String path, Map<String, String> headers) {
    List<Case> out = new ArrayList<>();
    for (Param p : op.params()) {
      if (!p.in().equals("query")) continue;
      String type = type(p.schema());
      List<String> bad = new ArrayList<>();
      if (type.equals("integer") || type.equals("number")) {
        bad.add("lots");
        bad.add("9".repeat(30));
        bad.add("1e999");
        if (p.schema().has("minimum")) bad.add(Long.toString(p.schema().get("minimum").asLong() - 1));
        if (p.schema().has("maximum")) bad.add(Long.toString(p.schema().get("maximum").asLong() + 1));
        if (type.equals("integer")) bad.add("1.5");
      } else if (type.equals("boolean")) {
        bad.add("maybe");
      } else if (p.schema().has("maxLength")) {
        bad.add(enc(randomText(p.schema().get("maxLength").asInt() + 1, true)));
      }
      if ("date-time".equals(p.schema().path("format").asText())) bad.add("yesterday");
      for (String v : bad) {
        out.add(new Case(op.id(), p.name() + "=" + abbreviate(v, 20), op.method(), path + "?" + p.name() + "=" + v, headers, null, p.name(), 400));
      }
      out.add(new Case(op.id(), p.name() + " twice", op.method(), path + "?" + p.name() + "=1&" + p.name() + "=2", headers, null, null, ANY_4XX));
    }
    return out;
  }

  /** Random text; {@code wide} mixes in CJK, emoji, combining marks and right-to-left text. */
  String randomText(int length, boolean wide) {
    String[] pieces = {"a", "Z", "0", "-", "é", "名", "🙂", "\u0301", "\u202e", "ß", " "};
    StringBuilder b = new StringBuilder();
    while (b.codePointCount(0, b.length()) < length) {
      b.append(wide ? pieces[random.nextInt(pieces.length)] : Character.toString('a' + random.nextInt(26)));
    }
    return b.toString();
  }

  static Map<String, String> with(Map<String, String> headers, String k, String v) {
    Map<String, String> m = new LinkedHashMap<>(headers);
    m.put(k, v);
    return m;
  }

  /** JSON text with every non-ASCII character escaped, so a lone surrogate travels as {@code \ud800} (UTF-8 cannot carry it). */
  static String text(JsonNode n) {
    try {
      return JSON.writer().with(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII).writeValueAsString(n);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] invalidUtf8(String json) {
    byte[] head = bytes(json.substring(0, json.length() - 1) + (json.length() > 2 ? "," : "") + "\"x\":\"");
    byte[] out = new byte[head.length + 4];
    System.arraycopy(head, 0, out, 0, head.length);
    out[head.length] = (byte) 0xC3; // a lead byte without its continuation
    out[head.length + 1] = (byte) 0x28;
    out[head.length + 2] = '"';
    out[head.length + 3] = '}';
    return out;
  }

  static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…(" + s.length() + ")";
  }
}
