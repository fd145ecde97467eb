package io.respool.settlement.solana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.respool.protocol.crypto.Ed25519;
import io.respool.settlement.solana.EscrowProgram.Event;
import io.respool.settlement.solana.EscrowProgram.SettleItem;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java encodings against vectors produced by the program's JS client and @solana/kit
 * ({@code vectors.mjs} → {@code vectors.json}, committed): keys from seeds, PDAs and bumps,
 * instruction data, whole transactions byte for byte (unsigned for a wallet, and signed), and the
 * rental events parsed from logs with the innermost-frame rule.
 */
class SolanaEncodingTest {
  static JsonNode v;
  static EscrowProgram program;
  static final HexFormat HEX = HexFormat.of();

  @BeforeAll
  static void load() throws Exception {
    try (InputStream in = SolanaEncodingTest.class.getResourceAsStream("vectors.json")) {
      v = new ObjectMapper().readTree(in);
    }
    program = new EscrowProgram(v.path("programId").asText());
  }

  static Ed25519.Keys key(String name) {
    return Ed25519.fromSeed(HEX.parseHex(v.path("keys").path(name).path("seed").asText()));
  }

  static String address(String name) {
    return v.path("keys").path(name).path("address").asText();
  }

  static byte[] rentalId(int n) {
    byte[] b = new byte[32];
    java.util.Arrays.fill(b, (byte) n);
    b[0] = 0x52;
    return b;
  }

  @Test
  void keysFromSeedsAreTheJsClientsAddresses() {
    for (var e : (Iterable<java.util.Map.Entry<String, JsonNode>>) () -> v.path("keys").fields()) {
      assertThat(key(e.getKey()).publicKeyBase58()).as(e.getKey()).isEqualTo(e.getValue().path("address").asText());
    }
  }

  @Test
  void programDerivedAddressesAndBumps() {
    assertThat(program.config()).isEqualTo(v.path("pdas").path("config").path("address").asText());
    int lower = 0;
    for (JsonNode e : v.path("pdas").path("escrows")) {
      Pubkeys.Pda pda = program.escrow(e.path("renter").asText(), HEX.parseHex(e.path("rentalId").asText()));
      assertThat(pda.address()).isEqualTo(e.path("address").asText());
      assertThat(pda.bump()).isEqualTo(e.path("bump").asInt());
      if (pda.bump() < 255) lower++;
    }
    assertThat(lower).as("the vectors include bumps below 255 (the on-curve test decides those)").isGreaterThan(2);
    JsonNode hs = v.path("pdas").path("hostStakes").get(0);
    assertThat(Pubkeys.findProgramAddress(List.of(EscrowProgram.ascii("host"), Pubkeys.decode(hs.path("host").asText())), program.programId()))
        .isEqualTo(new Pubkeys.Pda(hs.path("address").asText(), hs.path("bump").asInt()));
    // public keys are points of the curve; PDAs never are
    assertThat(Pubkeys.onCurve(Pubkeys.decode(address("renter")))).isTrue();
    assertThat(Pubkeys.onCurve(Pubkeys.decode(program.config()))).isFalse();
  }

  @Test
  void instructionData() {
    JsonNode d = v.path("data");
    assertThat(HEX.formatHex(EscrowProgram.openData(rentalId(1), address("host"), 123_456_789_012L, 1_800_000_000L))).isEqualTo(d.path("open").asText());
    assertThat(HEX.formatHex(EscrowProgram.topUpData(5_000_000L, 1_800_003_600L))).isEqualTo(d.path("topUp").asText());
    assertThat(HEX.formatHex(EscrowProgram.settleData(987_654_321L))).isEqualTo(d.path("settle").asText());
    assertThat(HEX.formatHex(EscrowProgram.settleManyData(List.of(1L, 0L, -1L)))).as("u64 max").isEqualTo(d.path("settleMany").asText());
    assertThat(HEX.formatHex(EscrowProgram.reclaimData())).isEqualTo(d.path("reclaim").asText());
    assertThatThrownBy(() -> EscrowProgram.settleManyData(List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  static byte[] b64(String s) {
    return Base64.getDecoder().decode(s);
  }

  @Test
  void transactionsByteForByte() {
    JsonNode t = v.path("transactions");
    String blockhash = t.path("blockhash").asText();
    String renter = address("renter");
    var open = program.open(renter, rentalId(1), address("host"), 2_000_000_000L, 1_800_000_000L);
    SolanaTransactions.Message m = SolanaTransactions.compile(renter, blockhash, List.of(open));
    assertThat(Base64.getEncoder().encodeToString(m.bytes())).isEqualTo(t.path("openUnsigned").path("message").asText());
    assertThat(Base64.getEncoder().encodeToString(SolanaTransactions.unsigned(m))).isEqualTo(t.path("openUnsigned").path("wire").asText());
    // the renter's wallet signs the message: the signed transaction is the JS client's
    byte[] signed = SolanaTransactions.withSignature(SolanaTransactions.unsigned(m), renter, key("renter").sign(m.bytes()));
    assertThat(Base64.getEncoder().encodeToString(signed)).isEqualTo(t.path("openSigned").path("wire").asText());

    String escrow1 = program.escrow(renter, rentalId(1)).address();
    var topUp = SolanaTransactions.compile(renter, blockhash, List.of(program.topUp(renter, escrow1, 5_000_000L, 1_800_003_600L)));
    assertThat(Base64.getEncoder().encodeToString(SolanaTransactions.unsigned(topUp))).isEqualTo(t.path("topUpUnsigned").path("wire").asText());

    String operator = address("operator");
    var settle = SolanaTransactions.compile(operator, blockhash, List.of(program.settleMany(operator, address("treasury"), List.of(
        new SettleItem(escrow1, address("host"), renter, 1_500_000L),
        new SettleItem(program.escrow(renter, rentalId(2)).address(), address("host2"), renter, 0L)))));
    byte[] settleWire = SolanaTransactions.wire(List.of(key("operator").sign(settle.bytes())), settle.bytes());
    assertThat(Base64.getEncoder().encodeToString(settleWire)).isEqualTo(t.path("settleManySigned").path("wire").asText());

    SolanaTransactions.Decoded d = SolanaTransactions.decode(settleWire);
    assertThat(d.accountKeys().get(0)).isEqualTo(operator);
    assertThat(d.requiredSignatures()).isEqualTo(1);
    assertThat(d.recentBlockhash()).isEqualTo(blockhash);
    assertThat(Ed25519.verify(Pubkeys.decode(operator), d.message(), d.signatures().get(0))).isTrue();
  }

  @Test
  void tokenEscrowsByteForByte() {
    JsonNode t = v.path("token");
    String blockhash = v.path("transactions").path("blockhash").asText();
    String renter = address("renter");
    String operator = address("operator");
    String mint = t.path("mint").asText();
    String escrow1 = program.escrow(renter, rentalId(1)).address();
    assertThat(program.vault(escrow1)).isEqualTo(new Pubkeys.Pda(t.path("vault").path("address").asText(), t.path("vault").path("bump").asInt()));
    for (JsonNode a : t.path("atas")) {
      assertThat(EscrowProgram.associatedTokenAccount(a.path("owner").asText(), mint)).isEqualTo(a.path("address").asText());
    }
    assertThat(HEX.formatHex(EscrowProgram.openTokenData(rentalId(1), address("host"), 25_000_000L, 1_800_000_000L)))
        .isEqualTo(t.path("data").path("openToken").asText());
    assertThat(HEX.formatHex(EscrowProgram.settleTokenData(12_345_678L))).isEqualTo(t.path("data").path("settleToken").asText());

    var open = SolanaTransactions.compile(renter, blockhash, List.of(program.openToken(renter, rentalId(1), address("host"), 25_000_000L,
        1_800_000_000L, mint)));
    assertThat(Base64.getEncoder().encodeToString(SolanaTransactions.unsigned(open))).isEqualTo(t.path("openTokenUnsigned").path("wire").asText());

    String treasury = address("treasury");
    var settle = SolanaTransactions.compile(operator, blockhash, List.of(
        EscrowProgram.createAssociatedTokenAccount(operator, address("host"), mint),
        EscrowProgram.createAssociatedTokenAccount(operator, treasury, mint),
        EscrowProgram.createAssociatedTokenAccount(operator, renter, mint),
        program.settleToken(operator, escrow1, mint, address("host"), treasury, renter, 12_345_678L)));
    byte[] wire = SolanaTransactions.wire(List.of(key("operator").sign(settle.bytes())), settle.bytes());
    assertThat(Base64.getEncoder().encodeToString(wire)).isEqualTo(t.path("settleTokenSigned").path("wire").asText());
    assertThat(wire.length).as("a legacy transaction holds 1232 bytes").isLessThanOrEqualTo(1232);

    assertThat(HEX.formatHex(EscrowProgram.topUpTokenData(7_000_000L, 1_800_003_600L))).isEqualTo(t.path("data").path("topUpToken").asText());
    var topUp = SolanaTransactions.compile(renter, blockhash, List.of(program.topUpToken(renter, escrow1, mint, 7_000_000L, 1_800_003_600L)));
    assertThat(Base64.getEncoder().encodeToString(SolanaTransactions.unsigned(topUp))).isEqualTo(t.path("topUpTokenUnsigned").path("wire").asText());

    var reclaim = SolanaTransactions.compile(renter, blockhash, List.of(program.reclaimToken(renter, escrow1, mint)));
    assertThat(Base64.getEncoder().encodeToString(SolanaTransactions.unsigned(reclaim))).isEqualTo(t.path("reclaimTokenUnsigned").path("wire").asText());
  }

  @Test
  void addressOrderIsTheCollatorsOnBase58() {
    assertThat(SolanaTransactions.compareAddresses("1abc", "Abc")).isNegative(); // digits first
    assertThat(SolanaTransactions.compareAddresses("abD", "Abc")).isPositive(); // case ignored first
    assertThat(SolanaTransactions.compareAddresses("abc", "Abc")).isNegative(); // then lower first
    assertThat(SolanaTransactions.compareAddresses("ab", "abc")).isNegative();
  }

  @Test
  void eventsOnlyFromTheProgramsInnermostFrames() {
    List<String> logs = new ArrayList<>();
    v.path("events").path("logs").forEach(l -> logs.add(l.asText()));
    List<Event> events = program.parseEvents(logs);
    JsonNode expected = v.path("events").path("parsed");
    assertThat(events).hasSize(expected.size());
    for (int i = 0; i < events.size(); i++) {
      JsonNode x = expected.get(i);
      Event e = events.get(i);
      switch (e) {
        case EscrowProgram.Opened o -> {
          assertThat(x.path("name").asText()).isEqualTo("Opened");
          assertThat(HEX.formatHex(o.rentalId())).isEqualTo(x.path("rentalId").asText());
          assertThat(o.renter()).isEqualTo(x.path("renter").asText());
          assertThat(o.host()).isEqualTo(x.path("host").asText());
          assertThat(o.mint()).isEqualTo(x.path("mint").asText()).isEqualTo(Pubkeys.SYSTEM_PROGRAM);
          assertThat(o.amount()).isEqualTo(x.path("amount").asLong());
          assertThat(o.expiresAt()).isEqualTo(x.path("expiresAt").asLong());
          assertThat(o.feeBps()).isEqualTo(x.path("feeBps").asInt());
        }
        case EscrowProgram.Settled s -> {
          assertThat(x.path("name").asText()).isEqualTo("Settled");
          assertThat(HEX.formatHex(s.rentalId())).isEqualTo(x.path("rentalId").asText());
          assertThat(s.renter()).isEqualTo(x.path("renter").asText());
          assertThat(s.host()).isEqualTo(x.path("host").asText());
          assertThat(new long[] {s.hostAmount(), s.fee(), s.refund()})
              .containsExactly(x.path("hostAmount").asLong(), x.path("fee").asLong(), x.path("refund").asLong());
        }
        case EscrowProgram.SettleSkipped s -> assertThat(s.escrow()).isEqualTo(x.path("escrow").asText());
        case EscrowProgram.ToppedUp t -> {
          assertThat(x.path("name").asText()).isEqualTo("ToppedUp");
          assertThat(new long[] {t.amount(), t.deposit(), t.expiresAt()})
              .containsExactly(x.path("amount").asLong(), x.path("deposit").asLong(), x.path("expiresAt").asLong());
        }
        case EscrowProgram.Reclaimed r -> {
          assertThat(x.path("name").asText()).isEqualTo("Reclaimed");
          assertThat(HEX.formatHex(r.rentalId())).isEqualTo(x.path("rentalId").asText());
          assertThat(r.amount()).isEqualTo(x.path("amount").asLong());
        }
      }
    }
    assertThat(events.stream().map(e -> e.getClass().getSimpleName()))
        .containsExactly("Opened", "Settled", "SettleSkipped", "ToppedUp", "Reclaimed");
    // the outer program's own look-alike lines are its, not ours: before and after our frame
    assertThat(new EscrowProgram(address("host2")).parseEvents(logs).stream().map(e -> e.getClass().getSimpleName()))
        .containsExactly("Opened", "Settled");
  }

  @Test
  void accountDecodersRefuseOtherKinds() {
    byte[] escrow = new byte[EscrowProgram.ESCROW_SIZE];
    escrow[0] = 2;
    assertThat(EscrowProgram.decodeEscrow(escrow)).isNotNull();
    escrow[0] = 1;
    assertThat(EscrowProgram.decodeEscrow(escrow)).isNull();
    assertThat(EscrowProgram.decodeConfig(new byte[EscrowProgram.CONFIG_SIZE])).isNull();
    assertThat(EscrowProgram.errorName(39)).isEqualTo("NoEscrow");
  }
}
