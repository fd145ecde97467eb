package io.respool.gateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a refusal must look like: a 4xx {@code application/problem+json} (RFC 9457) with a stable
 * type, whose detail says in plain words what is wrong (and, for a field, names it) — no stack
 * trace, no class names, no validator jargon.
 */
final class Refusals {
  /** Words that mean the caller got internals or jargon instead of a reason. */
  private static final List<String> JARGON = List.of("exception", "java.", "com.fasterxml", "io.vertx", "\tat ", "source: ",
      "redacted", "schema", "jsonpointer", "#/", "outputunit", "instance type", "null pointer", "internal error", "(code ");
  private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]");

  private Refusals() {}

  /** Null if {@code a} is a proper refusal of {@code c}; else what is wrong with it. */
  static String check(ContractCases.Case c, RawHttp.Answer a) {
    if (a.status() < 400 || a.status() >= 500) return "status " + a.status() + " is not a 4xx";
    if (c.expect() != ContractCases.ANY_4XX && a.status() != c.expect()) return "status " + a.status() + ", expected " + c.expect();
    if (!a.contentType().startsWith("application/problem+json")) return "content type '" + a.contentType() + "' is not application/problem+json";
    JsonNode p;
    try {
      p = ContractCases.JSON.readTree(a.text());
    } catch (Exception e) {
      return "body is not JSON";
    }
    if (!p.path("type").asText().startsWith("urn:respool:problem:")) return "no problem type";
    if (p.path("status").asInt() != a.status()) return "problem status " + p.path("status") + " differs from the HTTP status";
    String detail = p.path("detail").asText("");
    String plain = plain(detail);
    if (plain != null) return plain;
    if (a.status() == 400 && c.field() != null && !detail.contains(c.field())) return "detail does not name the field '" + c.field() + "'";
    if (a.status() == 400 && c.field() == null && !mentionsBody(detail)) return "detail does not say what is wrong with the request";
    return null;
  }

  /** Null if {@code detail} is a plain, non-empty reason. */
  static String plain(String detail) {
    if (detail == null || detail.isBlank()) return "empty detail";
    if (detail.length() > 600) return "detail of " + detail.length() + " characters";
    if (CONTROL.matcher(detail).find()) return "detail holds control characters";
    String lower = detail.toLowerCase(Locale.ROOT);
    for (String j : JARGON) if (lower.contains(j)) return "detail has jargon '" + j.strip() + "'";
    return null;
  }

  private static boolean mentionsBody(String detail) {
    String d = detail.toLowerCase(Locale.ROOT);
    return d.contains("json") || d.contains("body") || d.contains("content type") || d.contains("parameter") || d.contains("utf-8")
        || d.contains("field") || d.contains("request");
  }
}
