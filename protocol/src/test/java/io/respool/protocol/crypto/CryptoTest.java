package io.respool.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CryptoTest {
  @Test
  void base58RoundTripsRandomBytesIncludingLeadingZeros() {
    Random rnd = new Random(42);
    for (int i = 0; i < 500; i++) {
      byte[] b = new byte[rnd.nextInt(40)];
      rnd.nextBytes(b);
      if (b.length > 2 && i % 3 == 0) { b[0] = 0; b[1] = 0; }
      assertThat(Base58.decode(Base58.encode(b))).isEqualTo(b);
    }
  }

  @Test
  void base58KnownVectorAndRejectsForeignCharacters() {
    assertThat(Base58.encode("Hello World!".getBytes(StandardCharsets.US_ASCII))).isEqualTo("2NEpo7TZRRrLZSi2U");
    assertThatThrownBy(() -> Base58.decode("0OIl")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void seedRebuildsTheSamePairAndSignaturesVerifyOnlyForTheirMessageAndKey() {
    Ed25519.Keys keys = Ed25519.generate();
    Ed25519.Keys again = Ed25519.fromSeed(keys.seed());
    assertThat(again.publicKey()).isEqualTo(keys.publicKey());

    byte[] msg = "respool".getBytes(StandardCharsets.UTF_8);
    byte[] sig = keys.sign(msg);
    assertThat(Ed25519.verify(keys.publicKey(), msg, sig)).isTrue();
    assertThat(Ed25519.verify(keys.publicKey(), "other".getBytes(StandardCharsets.UTF_8), sig)).isFalse();
    assertThat(Ed25519.verify(Ed25519.generate().publicKey(), msg, sig)).isFalse();
    sig[5] ^= 1;
    assertThat(Ed25519.verify(keys.publicKey(), msg, sig)).isFalse();
    assertThat(Ed25519.verify(keys.publicKey(), msg, new byte[3])).isFalse();
  }

  @Test
  void rfc8032TestVector1() {
    byte[] seed = java.util.HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    Ed25519.Keys keys = Ed25519.fromSeed(seed);
    assertThat(java.util.HexFormat.of().formatHex(keys.publicKey()))
        .isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  }
}
