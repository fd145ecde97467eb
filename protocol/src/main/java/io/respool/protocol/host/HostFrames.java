package io.respool.protocol.host;

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

  public static String encode(HostFrame frame) {
    ObjectNode node = Json.mapper().valueToTree(frame);
    ObjectNode out = Json.mapper().createObjectNode();
    out.put("v", VERSION);
    out.setAll(node);
    return out.toString();
  }

  /** Decodes a frame or throws {@link RespoolException} (invalid-request) saying what is wrong. */
  public static HostFrame decode(String text) {
    if (text.length() > MAX_FRAME_BYTES) throw RespoolException.invalid("frame larger than " + MAX_FRAME_BYTES + " bytes");
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
}
