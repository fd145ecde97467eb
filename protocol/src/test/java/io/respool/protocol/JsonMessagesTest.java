package io.respool.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.protocol.api.Quotes;
import io.respool.protocol.api.Teams;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.host.HostFrames;
import org.junit.jupiter.api.Test;

/** Decoding failures say which field and what is wrong, in words a caller can act on. */
class JsonMessagesTest {
  static String refusal(Runnable r) {
    try {
      r.run();
    } catch (RespoolException e) {
      return e.getMessage();
    }
    throw new AssertionError("not refused");
  }

  @Test
  void numbersBeyondTheFieldsRangeNameTheField() {
    assertThat(refusal(() -> Json.decode("{\"memoryMb\":99999999999999999999}", Quotes.Request.class)))
        .isEqualTo("field memoryMb: 99999999999999999999 is out of range (from -9223372036854775808 to 9223372036854775807)");
  }

  @Test
  void duplicateKeysNestingAndSyntaxSaySo() {
    assertThat(refusal(() -> Json.decode("{\"cpu\":1,\"cpu\":2}", Quotes.Request.class))).isEqualTo("duplicate field 'cpu'");
    assertThat(refusal(() -> Json.decode("{\"a\":" + "[".repeat(2000) + "]".repeat(2000) + "}", Quotes.Request.class)))
        .startsWith("malformed JSON: nested deeper than");
    assertThat(refusal(() -> Json.decode("{\"cpu\":", Quotes.Request.class))).startsWith("malformed JSON at line 1, column");
    assertThat(refusal(() -> Json.decode("{\"cpu\":\"lots\"}", Quotes.Request.class))).isEqualTo("field cpu: expected a number");
  }

  @Test
  void requestsRefuseTextThatCannotBeStoredButHostFramesCarryIt() {
    assertThat(refusal(() -> Json.decodeRequest("{\"name\":\"a\\u0000b\"}", Teams.CreateRequest.class)))
        .isEqualTo("field name: contains a NUL character (\\u0000)");
    assertThat(refusal(() -> Json.decodeRequest("{\"name\":\"a\\udc00\"}", Teams.CreateRequest.class)))
        .isEqualTo("field name: is not valid Unicode (a lone surrogate)");
    assertThat(Json.decodeRequest("{\"name\":\"名前 🙂\"}", Teams.CreateRequest.class).name()).isEqualTo("名前 🙂");
    // a task's output may hold NUL bytes: the host channel passes them on
    HostFrame out = HostFrames.decode("{\"v\":1,\"type\":\"task.output\",\"re\":\"g1\",\"taskId\":\"t\",\"stdout\":\"a\\u0000b\",\"stderr\":\"\",\"truncated\":false}");
    assertThat(((HostFrame.TaskOutput) out).stdout()).isEqualTo("a\u0000b");
    assertThat(refusal(() -> Json.decodeRequest("{\"env\":{\"K\\u0000\":\"v\"}}", io.respool.protocol.api.Bookings.CreateRequest.class)))
        .startsWith("field env").contains("key contains a NUL character");
  }
}
