package io.respool.protocol.host;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.respool.protocol.Json;
import io.respool.protocol.RespoolException;

/** Codec of {@link HostFrame}s: versioned JSON text frames {@code {"v":1,"type":…,…}}. */
public final class HostFrames {
  public static final int VERSION = 1;
  /** Largest text frame either side accepts. */
  public static final int MAX_FRAME_BYTES = 64 * 1024;

  private HostFrames() {}

  /** The start of every frame: the version, then (the type id is written first) the type. */
  private static final String VERSIONED = "{\"v\":" + VERSION + ",";
  private static final String ENVELOPE = VERSIONED + "\"type\":";

  public static String encode(HostFrame frame) {
    String body = Json.encode(frame); // {"type":…,…}
    return VERSIONED + body.substring(1);
  }

  /** Decodes a frame or throws {@link RespoolException} (invalid-request) saying what is wrong. */
  public static HostFrame decode(String text) {
    if (text.length() > MAX_FRAME_BYTES) throw RespoolException.invalid("frame larger than " + MAX_FRAME_BYTES + " bytes");
    if (text.startsWith(ENVELOPE)) return decodeEnveloped(text);
    // another peer's field order, or not a frame: read it whole, to say what is wrong
    JsonNode node = Json.tree(text);
    if (!(node instanceof ObjectNode obj)) throw RespoolException.invalid("frame must be a JSON object");
    JsonNode v = obj.remove("v");
    if (v == null || !v.isInt() || v.intValue() != VERSION) {
      throw RespoolException.invalid("unsupported protocol version " + v + ", expected " + VERSION);
    }
    JsonNode type = obj.get("type");
    if (type == null || !type.isTextual()) throw RespoolException.invalid("frame has no type");
    return Json.convert(obj, HostFrame.class);
  }

  /** A frame that starts as this codec writes them: the version's tokens are passed over and the rest read straight into its record. */
  private static HostFrame decodeEnveloped(String text) {
    try (JsonParser p = Json.parser(text)) {
      p.nextToken(); // {
      p.nextToken(); // "v"
      p.nextToken(); // 1
      p.nextToken(); // "type"
      return Json.read(p, HostFrame.class);
    } catch (java.io.IOException e) {
      throw RespoolException.invalid("malformed JSON");
    }
  }
}
