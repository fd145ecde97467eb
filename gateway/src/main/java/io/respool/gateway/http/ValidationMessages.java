package io.respool.gateway.http;

import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a contract violation found by vertx-openapi into a reason a caller can act on: which field
 * or parameter, and what is wrong with it, in plain words ("field cpu: expected a number, got
 * text"). The validator reports the outermost failure ("Property "cpu" does not match additional
 * properties schema at #/cpu"); the cause is the deepest error of its output unit.
 */
final class ValidationMessages {
  private static final Pattern PARAMETER = Pattern.compile("(query|path|header|cookie) parameter (\\S+)");
  private static final Pattern TYPE = Pattern.compile("Instance type (\\w+) is invalid\\. Expected (\\w+)");
  private static final Pattern PROPERTY = Pattern.compile("Property \"([^\"]*)\"");
  private static final Pattern REQUIRED = Pattern.compile("required propert(?:y|ies) \"?([^\"]+)\"?");
  private static final Map<String, String> KINDS = Map.of("string", "text", "integer", "a whole number", "number", "a number",
      "boolean", "true or false", "array", "an array", "object", "an object", "null", "null");

  private ValidationMessages() {}

  static String describe(ValidatorException e) {
    String message = String.valueOf(e.getMessage());
    Matcher param = PARAMETER.matcher(message);
    String where = param.find() ? param.group(1) + " parameter " + param.group(2) : null;
    if (!(e instanceof SchemaValidationException s) || s.getOutputUnit() == null) {
      if (where == null) return message.contains("body") ? "the request body is missing or not a JSON object" : "the request does not match the API";
      if (message.contains("missing") || message.contains("required")) return where + " is required";
      return where + " is malformed";
    }
    OutputUnit cause = deepest(s.getOutputUnit());
    if (cause.getError() != null && cause.getError().contains("additional properties") && declared(s.getOutputUnit(), cause.getInstanceLocation())) {
      return field(new OutputUnit().setInstanceLocation(cause.getInstanceLocation()).setError(""), where) + ": is invalid";
    }
    String field = field(cause, where);
    return (field == null ? "" : field + ": ") + reason(cause);
  }

  /** The error with the deepest instance location (the leaf cause), skipping "a subschema had errors" summaries. */
  private static OutputUnit deepest(OutputUnit root) {
    List<OutputUnit> all = new ArrayList<>();
    collect(root, all);
    OutputUnit best = root;
    int bestScore = -1;
    for (OutputUnit u : all) {
      if (u.getError() == null) continue;
      int depth = depth(u.getInstanceLocation()) * 2 + (isSummary(u) ? 0 : 1);
      if (depth > bestScore) {
        best = u;
        bestScore = depth;
      }
    }
    return best;
  }

  /** True if the schema declares the property at {@code location} (its "properties" keyword reported it). */
  private static boolean declared(OutputUnit root, String location) {
    List<OutputUnit> all = new ArrayList<>();
    collect(root, all);
    return all.stream().anyMatch(u -> u.getError() != null && u.getError().endsWith("does not match schema")
        && !u.getError().contains("additional") && location != null && location.equals(u.getInstanceLocation()));
  }

  private static void collect(OutputUnit u, List<OutputUnit> out) {
    out.add(u);
    if (u.getErrors() != null) u.getErrors().forEach(e -> collect(e, out));
  }

  /**
   * Errors that only say a sub-schema failed: "A subschema had errors", and for one property both
   * "Property "cpu" does not match schema" (properties) and "... does not match additional properties
   * schema" (reported for every property that failed, known or not) beside the real cause.
   */
  private static boolean isSummary(OutputUnit u) {
    String e = u.getError();
    return e.startsWith("A sub") || SUMMARY.matcher(e).matches();
  }

  private static final Pattern SUMMARY = Pattern.compile("Property \"[^\"]*\" does not match (additional properties )?schema");

  private static int depth(String location) {
    if (location == null || location.isEmpty() || location.equals("#")) return 0;
    return (int) location.chars().filter(c -> c == '/').count();
  }

  private static String keyword(OutputUnit u) {
    String k = u.getKeywordLocation();
    if (k == null) return "";
    return k.substring(k.lastIndexOf('/') + 1);
  }

  /** "field a.b", "field a[2]", or the parameter; null for the body as a whole. */
  private static String field(OutputUnit u, String parameter) {
    if (parameter != null) return parameter;
    String loc = u.getInstanceLocation();
    if (loc == null) return null;
    loc = loc.startsWith("#") ? loc.substring(1) : loc;
    if (loc.isEmpty() || loc.equals("/")) return "the request body";
    if (u.getError().contains("additional properties schema")) return null; // an unknown field: the reason names it
    StringBuilder b = new StringBuilder("field ");
    boolean first = true;
    for (String part : loc.substring(1).split("/")) {
      String name = part.replace("~1", "/").replace("~0", "~");
      if (name.matches("\\d+") && !first) b.append('[').append(name).append(']');
      else b.append(first ? "" : ".").append(name);
      first = false;
    }
    return b.toString();
  }

  private static String reason(OutputUnit u) {
    String error = u.getError();
    Matcher t = TYPE.matcher(error);
    if (t.find()) return "expected " + KINDS.getOrDefault(t.group(2), t.group(2)) + ", got " + KINDS.getOrDefault(t.group(1), t.group(1));
    if (error.contains("additional properties")) {
      Matcher p = PROPERTY.matcher(error);
      return p.find() ? "unknown field '" + p.group(1) + "'" : "unknown field";
    }
    if (SUMMARY.matcher(error).matches()) return "is invalid";
    if ("required".equals(keyword(u)) || error.contains("required propert")) {
      Matcher r = REQUIRED.matcher(error);
      return r.find() ? "field " + r.group(1).replace("\"", "") + " is required" : "a required field is missing";
    }
    // the validator's own words, without its vocabulary ("Instance", "schema", JSON pointers)
    String plain = error.replaceAll("\\s*at #\\S*", "")
        .replace("Instance", "the value")
        .replace("instance", "value")
        .replace("schema", "rule")
        .trim();
    return plain.isEmpty() ? "is invalid" : Character.toLowerCase(plain.charAt(0)) + plain.substring(1);
  }
}
