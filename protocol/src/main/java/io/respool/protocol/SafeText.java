package io.respool.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;

/**
 * Strings (values and map keys) that cannot be stored or passed on are refused at decoding, with
 * the field named: a NUL character (PostgreSQL text and jsonb cannot hold it, a process environment
 * or argument cannot carry it) and a lone UTF-16 surrogate (not Unicode: it would be stored as
 * '?'). Without this, such a team name was a 500 and such an API key name was silently changed.
 */
final class SafeText {
  private SafeText() {}

  /** A string refused for what it contains; Jackson adds the path. */
  static final class Refused extends JsonMappingException {
    Refused(JsonParser p, String why) {
      super(p, why);
    }
  }

  static SimpleModule module() {
    SimpleModule m = new SimpleModule("respool-safe-text");
    m.addDeserializer(String.class, new Values());
    m.addKeyDeserializer(String.class, new Keys());
    return m;
  }

  /** Null if {@code s} is storable text; else what is wrong with it. */
  static String problem(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) return "contains a NUL character (\\u0000)";
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return "is not valid Unicode (a lone surrogate)";
      }
      if (Character.isLowSurrogate(c)) return "is not valid Unicode (a lone surrogate)";
    }
    return null;
  }

  private static final class Values extends StdScalarDeserializer<String> {
    Values() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String s = StringDeserializer.instance.deserialize(p, ctxt);
      String why = s == null ? null : problem(s);
      if (why != null) throw new Refused(p, why);
      return s;
    }
  }

  private static final class Keys extends KeyDeserializer {
    @Override
    public Object deserializeKey(String key, DeserializationContext ctxt) throws IOException {
      String why = problem(key);
      if (why != null) throw new Refused(ctxt.getParser(), "key " + why);
      return key;
    }
  }
}
