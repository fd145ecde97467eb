package io.respool.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Amounts of money on the wire: integer minor units (wei, lamports, micro-dollars) as {@link
 * BigInteger} in code and as decimal strings in JSON ({@code "12000000000000000000"}), since an
 * amount in wei leaves 2⁶³ beyond ~9.2 ETH and JavaScript numbers are exact only to 2⁵³. Reading
 * accepts a JSON integer too, as the API always did.
 */
public final class Amounts {
  private Amounts() {}

  /** At most 78 digits, as NUMERIC(78,0) in PostgreSQL holds (a uint256 has 78). */
  public static final int MAX_DIGITS = 78;

  /** The Jackson module writing {@link BigInteger} as a decimal string and reading either form. */
  static SimpleModule module() {
    return new SimpleModule("respool-amounts")
        .addSerializer(BigInteger.class, new JsonSerializer<>() {
          @Override
          public void serialize(BigInteger value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(value.toString());
          }
        })
        .addDeserializer(BigInteger.class, new JsonDeserializer<>() {
          @Override
          public BigInteger deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) return parse(p.getText(), p, ctxt);
            if (p.currentToken() == JsonToken.VALUE_STRING) return parse(p.getText().strip(), p, ctxt);
            return (BigInteger) ctxt.handleUnexpectedToken(BigInteger.class, p);
          }
        });
  }

  private static final Pattern AMOUNT = Pattern.compile("-?[0-9]{1," + MAX_DIGITS + "}");

  private static BigInteger parse(String text, JsonParser p, DeserializationContext ctxt) throws IOException {
    if (!AMOUNT.matcher(text).matches()) {
      return (BigInteger) ctxt.handleWeirdStringValue(BigInteger.class, text, "not an amount: an integer of at most %d digits", MAX_DIGITS);
    }
    return new BigInteger(text);
  }
}
