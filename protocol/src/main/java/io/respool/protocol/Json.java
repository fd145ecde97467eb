package io.respool.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * JSON on the wire, records in code. Decoding is strict: unknown fields, trailing tokens, wrong
 * types and missing primitives are rejected with a message that names the offending field.
 */
public final class Json {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
      .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .addModule(new JavaTimeModule())
      .addModule(Amounts.module())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .build();

  private static final ObjectMapper REQUESTS = MAPPER.copy().registerModule(SafeText.module());

  private Json() {}

  public static ObjectMapper mapper() { return MAPPER; }

  public static String encode(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  /** Decodes {@code text} into {@code type}, or throws {@link RespoolException} (400) saying why. */
  /**
   * Like {@link #decode}, for what a client asks of the API: also refuses text that cannot be stored
   * or passed on (NUL, lone surrogates; see {@link SafeText}), naming the field. Not for host frames:
   * a task's output may hold NUL bytes and must reach its reader.
   */
  public static <T> T decodeRequest(String text, Class<T> type) {
    try {
      return REQUESTS.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw RespoolException.invalid(describe(e));
    }
  }

  public static <T> T decode(String text, Class<T> type) {
    try {
      return MAPPER.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw RespoolException.invalid(describe(e));
    }
  }

  public static <T> T convert(JsonNode node, Class<T> type) {
    try {
      return MAPPER.treeToValue(node, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw RespoolException.invalid(e instanceof JsonProcessingException j ? describe(j) : e.getMessage());
    }
  }

  /**
   * A parser of {@code text} with this mapper's strictness, for a caller that reads an envelope's first fields itself
   * and then hands the rest of the object to {@link #read}.
   */
  public static JsonParser parser(String text) {
    try {
      return MAPPER.createParser(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // not from a String
    }
  }

  /** Decodes the value at {@code parser}'s current token (a field name: the rest of an object) into {@code type}. */
  public static <T> T read(JsonParser parser, Class<T> type) {
    try {
      return MAPPER.readValue(parser, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw RespoolException.invalid(e instanceof JsonProcessingException j ? describe(j) : e.getMessage());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // not from a String
    }
  }

  public static JsonNode tree(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw RespoolException.invalid(describe(e));
    }
  }

  /** A short, caller-safe reason for a decoding failure (no class names, no stack). */
  static String describe(JsonProcessingException e) {
    if (e instanceof SafeText.Refused t) {
      String p = path(t);
      return (p.isEmpty() ? "a string" : "field " + p) + ": " + t.getOriginalMessage();
    }
    Throwable cause = e.getCause();
    if (e instanceof InputCoercionException || cause instanceof InputCoercionException) {
      String p = e instanceof MismatchedInputException m ? path(m) : e instanceof JsonMappingException m ? path(m) : "";
      InputCoercionException c = e instanceof InputCoercionException i ? i : (InputCoercionException) cause;
      return (p.isEmpty() ? "a number" : "field " + p) + ": " + outOfRange(c);
    }
    if (e instanceof StreamConstraintsException c) return limit(c);
    if (e instanceof JsonParseException p) return malformed(p);
    if (e instanceof UnrecognizedPropertyException u) {
      return "unknown field '" + u.getPropertyName() + "'" + at(u);
    }
    if (e instanceof ValueInstantiationException v && v.getCause() != null) {
      return v.getCause().getMessage();
    }
    if (e instanceof InvalidTypeIdException t) {
      return "unknown type '" + t.getTypeId() + "'";
    }
    if (e instanceof InvalidFormatException f) {
      return "wrong value " + f.getValue() + " for field " + path(f);
    }
    if (e instanceof MismatchedInputException m) {
      String p = path(m);
      String wanted = kind(m.getTargetType());
      if (p.isEmpty()) return "malformed or wrong JSON value" + (wanted == null ? "" : ": expected " + wanted);
      return "field " + p + ": " + (wanted == null ? "wrong or missing value" : "expected " + wanted);
    }
    return "malformed JSON";
  }

  private static final Pattern RANGE = Pattern.compile("\\(([-0-9.eE+]+)[^)]*\\) out of range of (\\w+)");

  /** "99999999999999999999 is out of range (from -9223372036854775808 to 9223372036854775807)". */
  private static String outOfRange(InputCoercionException c) {
    Matcher m = RANGE.matcher(String.valueOf(c.getOriginalMessage()));
    if (!m.find()) return "the number is out of range";
    String value = m.group(1).length() > 40 ? m.group(1).substring(0, 20) + "… (" + m.group(1).length() + " digits)" : m.group(1);
    String range = switch (m.group(2)) {
      case "int" -> " (from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + ")";
      case "long" -> " (from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE + ")";
      default -> "";
    };
    return value + " is out of range" + range;
  }

  /** Jackson's own limits on a document (nesting, number and string length). */
  private static String limit(StreamConstraintsException c) {
    String m = String.valueOf(c.getOriginalMessage());
    if (m.contains("nesting depth")) return "malformed JSON: nested deeper than " + Json.MAPPER.getFactory().streamReadConstraints().getMaxNestingDepth() + " levels";
    if (m.contains("Number value length") || m.contains("number")) return "malformed JSON: a number longer than "
        + Json.MAPPER.getFactory().streamReadConstraints().getMaxNumberLength() + " digits";
    if (m.contains("String value length")) return "malformed JSON: a string too long";
    if (m.contains("Name length")) return "malformed JSON: a field name too long";
    return "malformed JSON: the document exceeds a size limit";
  }

  /** "malformed JSON at line 1, column 9: unexpected end of input", "duplicate field 'cpu'". */
  private static String malformed(JsonParseException p) {
    String m = String.valueOf(p.getOriginalMessage());
    if (m.startsWith("Duplicate field")) return "duplicate field " + m.substring("Duplicate field ".length()).trim();
    String reason = m.lines().findFirst().orElse("")
        .replaceAll("\\s*\\(code \\d+\\)", "")
        .replaceAll("\\s*\\(start marker at \\[Source.*", "")
        .replaceAll("\\[Source:[^\\]]*\\]", "")
        .replaceAll("[\\p{Cntrl}]", "?")
        .trim();
    if (reason.length() > 160) reason = reason.substring(0, 160) + "…";
    var at = p.getLocation();
    String where = at == null || at.getLineNr() < 0 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    return "malformed JSON" + where + (reason.isEmpty() ? "" : ": " + Character.toLowerCase(reason.charAt(0)) + reason.substring(1));
  }

  /** What a Java type looks like in JSON, for messages; null if nothing useful can be said. */
  private static String kind(Class<?> t) {
    if (t == null) return null;
    if (t == String.class) return "text";
    if (t == Long.class || t == long.class || t == Integer.class || t == int.class) return "a whole number";
    if (t == Double.class || t == double.class || t == java.math.BigDecimal.class) return "a number";
    if (t == Boolean.class || t == boolean.class) return "true or false";
    if (java.util.Collection.class.isAssignableFrom(t) || t.isArray()) return "an array";
    if (java.util.Map.class.isAssignableFrom(t) || t.isRecord()) return "an object";
    return null;
  }

  private static String at(MismatchedInputException e) {
    String p = path(e);
    return p.contains(".") ? " in " + p.substring(0, p.lastIndexOf('.')) : "";
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
  }
}
