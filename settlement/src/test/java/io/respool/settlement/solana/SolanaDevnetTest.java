package io.respool.settlement.solana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.respool.protocol.crypto.Ed25519;
import io.respool.settlement.solana.EscrowProgram.SettleItem;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The adapter's encodings and RPC client against the real program on the devnet (litesvm: real
 * runtime, real signature checks): a renter's wallet signs the unsigned open the gateway builds, the
 * operator's settle_many moves exact lamports, the events come back from getTransaction's logs, a
 * second settlement is skipped, and the node's refusals come back typed.
 */
class SolanaDevnetTest {
  static SolanaDevnet chain;
  static EscrowProgram program;
  static Ed25519.Keys operator;

  @BeforeAll
  static void start() throws Exception {
    chain = SolanaDevnet.start();
    program = new EscrowProgram(chain.programId());
    var bytes = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(java.nio.file.Path.of(chain.operatorKeyFile())));
    byte[] seed = new byte[32];
    for (int i = 0; i < 32; i++) seed[i] = (byte) bytes.get(i).asInt();
    operator = Ed25519.fromSeed(seed);
  }

  @AfterAll
  static void stop() {
    if (chain != null) chain.close();
  }

  @Test
  void configAccountIsReadAsTheProgramWroteIt() {
    var cfg = chain.rpc().account(program.config(), "confirmed").map(a -> EscrowProgram.decodeConfig(a.data())).orElseThrow();
    assertThat(cfg.operator()).isEqualTo(chain.operator()).isEqualTo(operator.publicKeyBase58());
    assertThat(cfg.treasury()).isEqualTo(chain.treasury());
    assertThat(cfg.feeBps()).isEqualTo(chain.feeBps());
    assertThat(chain.rpc().account(chain.programId(), "confirmed").orElseThrow().executable()).isTrue();
  }

  @Test
  void openSignedByTheWalletThenSettledExactly() {
    SolanaRpc rpc = chain.rpc();
    Ed25519.Keys renter = chain.wallet(10 * SolanaDevnet.SOL);
    Ed25519.Keys host = chain.wallet(SolanaDevnet.SOL); // a payee must exist or receive the rent-exempt minimum
    String renterAddress = renter.publicKeyBase58();
    byte[] rentalId = SolanaPayments.rentalId(program, renterAddress, "booking-1", "host-1");
    Pubkeys.Pda escrow = program.escrow(renterAddress, rentalId);
    assertThat(escrow.bump()).as("rental ids are picked for bump 255").isEqualTo(255);
    long amount = 2 * SolanaDevnet.SOL;
    long expiresAt = Instant.now().plusSeconds(3600).getEpochSecond();

    // what GET /payment gives: unsigned, renter as fee payer, a recent blockhash
    SolanaRpc.Blockhash hash = rpc.latestBlockhash("confirmed");
    byte[] unsigned = SolanaTransactions.unsigned(SolanaTransactions.compile(renterAddress, hash.blockhash(),
        List.of(program.open(renterAddress, rentalId, host.publicKeyBase58(), amount, expiresAt))));
    long renterBefore = chain.balance(renterAddress);
    String openSig = chain.signAndSend(Base64.getEncoder().encodeToString(unsigned), renter);
    long rent = rpc.minimumBalanceForRentExemption(EscrowProgram.ESCROW_SIZE);
    assertThat(chain.balance(renterAddress)).isEqualTo(renterBefore - amount - rent - 5_000);
    EscrowProgram.Escrow e = EscrowProgram.decodeEscrow(rpc.account(escrow.address(), "confirmed").orElseThrow().data());
    assertThat(e.renter()).isEqualTo(renterAddress);
    assertThat(e.host()).isEqualTo(host.publicKeyBase58());
    assertThat(e.deposit()).isEqualTo(amount);
    assertThat(e.feeBps()).isEqualTo(chain.feeBps());

    var opened = program.parseEvents(rpc.transaction(openSig, "confirmed").orElseThrow().logs());
    assertThat(opened).singleElement().isInstanceOfSatisfying(EscrowProgram.Opened.class, o -> {
      assertThat(o.rentalId()).isEqualTo(rentalId);
      assertThat(o.amount()).isEqualTo(amount);
      assertThat(o.expiresAt()).isEqualTo(expiresAt);
      assertThat(o.mint()).isEqualTo(Pubkeys.SYSTEM_PROGRAM);
    });
    assertThat(rpc.transaction(openSig, "confirmed").orElseThrow().accountKeys()).contains(escrow.address());

    // above the deposit: the node's preflight refuses it with the program's error
    SettleItem tooMuch = new SettleItem(escrow.address(), host.publicKeyBase58(), renterAddress, amount + 1);
    assertThatThrownBy(() -> chain.send(operator, program.settleMany(operator.publicKeyBase58(), chain.treasury(), List.of(tooMuch))))
        .isInstanceOfSatisfying(SolanaRpc.Refused.class, r -> assertThat(r.err()).contains("\"Custom\":18"));

    long used = 1_234_567;
    long fee = used * chain.feeBps() / 10_000;
    long hostBefore = chain.balance(host.publicKeyBase58());
    long treasuryBefore = chain.balance(chain.treasury());
    long renterMid = chain.balance(renterAddress);
    String settleSig = chain.send(operator, program.settleMany(operator.publicKeyBase58(), chain.treasury(),
        List.of(new SettleItem(escrow.address(), host.publicKeyBase58(), renterAddress, used))));
    assertThat(chain.balance(host.publicKeyBase58()) - hostBefore).isEqualTo(used - fee);
    assertThat(chain.balance(chain.treasury()) - treasuryBefore).isEqualTo(fee);
    assertThat(chain.balance(renterAddress) - renterMid).as("the change and the escrow's rent").isEqualTo(amount - used + rent);
    assertThat(rpc.account(escrow.address(), "confirmed")).as("closed").isEmpty();
    assertThat(program.parseEvents(rpc.transaction(settleSig, "confirmed").orElseThrow().logs())).singleElement()
        .isInstanceOfSatisfying(EscrowProgram.Settled.class, s -> {
          assertThat(s.hostAmount()).isEqualTo(used - fee);
          assertThat(s.fee()).isEqualTo(fee);
          assertThat(s.refund()).isEqualTo(amount - used);
        });

    // a second settlement of the same escrow moves nothing: skipped
    long hostAfter = chain.balance(host.publicKeyBase58());
    String again = chain.send(operator, program.settleMany(operator.publicKeyBase58(), chain.treasury(),
        List.of(new SettleItem(escrow.address(), host.publicKeyBase58(), renterAddress, used))));
    assertThat(program.parseEvents(rpc.transaction(again, "confirmed").orElseThrow().logs())).singleElement()
        .isEqualTo(new EscrowProgram.SettleSkipped(escrow.address()));
    assertThat(chain.balance(host.publicKeyBase58())).isEqualTo(hostAfter);
    assertThat(chain.events(escrow.address()).stream().map(x -> x.getClass().getSimpleName())).containsExactly("Opened", "Settled", "SettleSkipped");

    // the same signed bytes again: already processed; an unknown blockhash: refused
    SolanaRpc.Status st = rpc.signatureStatuses(List.of(settleSig)).get(0).orElseThrow();
    assertThat(st.reached("confirmed")).isTrue();
    assertThat(st.err()).isNull();
    assertThat(rpc.signatureStatuses(List.of(SolanaDevnet.signatureOf(unsigned))).get(0)).isEmpty();
    SolanaTransactions.Message stale = SolanaTransactions.compile(operator.publicKeyBase58(), Pubkeys.encode(new byte[32]),
        List.of(program.settleMany(operator.publicKeyBase58(), chain.treasury(), List.of(tooMuch))));
    assertThatThrownBy(() -> rpc.sendTransaction(SolanaTransactions.wire(List.of(operator.sign(stale.bytes())), stale.bytes()), true))
        .isInstanceOfSatisfying(SolanaRpc.Refused.class, r -> assertThat(r.blockhashNotFound()).isTrue());
    assertThat(rpc.blockHeight("confirmed")).isLessThanOrEqualTo(hash.lastValidBlockHeight());
  }

  @Test
  void anUnreachableNodeIsChainUnavailable() {
    SolanaRpc dead = new SolanaRpc("http://127.0.0.1:" + io.respool.settlement.evm.AnvilDevnet.freePort(), Duration.ofSeconds(2));
    assertThatThrownBy(() -> dead.blockHeight("confirmed")).isInstanceOf(io.respool.settlement.EscrowChain.ChainUnavailable.class);
  }
  @Test
  void tokenEscrowOpenedByTheWalletSettledWithTheTokenAccountsCreated() {
    SolanaRpc rpc = chain.rpc();
    String mint = chain.mint();
    Ed25519.Keys renter = chain.wallet(10 * SolanaDevnet.SOL);
    String renterAddress = renter.publicKeyBase58();
    String host = chain.wallet(0).publicKeyBase58(); // no lamports, no token account: the settlement creates it
    chain.mintTokens(renterAddress, 500_000_000L);
    byte[] rentalId = SolanaPayments.rentalId(program, renterAddress, "booking-tok", "host-1", true);
    String escrow = program.escrow(renterAddress, rentalId).address();
    assertThat(program.vault(escrow).bump()).as("token rental ids are picked for vault bump 255 too").isEqualTo(255);
    long amount = 120_000_000L;
    long expiresAt = Instant.now().plusSeconds(3600).getEpochSecond();

    byte[] unsigned = SolanaTransactions.unsigned(SolanaTransactions.compile(renterAddress, rpc.latestBlockhash("confirmed").blockhash(),
        List.of(program.openToken(renterAddress, rentalId, host, amount, expiresAt, mint))));
    String openSig = chain.signAndSend(Base64.getEncoder().encodeToString(unsigned), renter);
    assertThat(chain.tokenBalance(renterAddress)).isEqualTo(380_000_000L);
    assertThat(EscrowProgram.tokenAmount(rpc.account(program.vault(escrow).address(), "confirmed").orElseThrow().data())).isEqualTo(amount);
    assertThat(program.parseEvents(rpc.transaction(openSig, "confirmed").orElseThrow().logs())).singleElement()
        .isInstanceOfSatisfying(EscrowProgram.Opened.class, o -> {
          assertThat(o.mint()).isEqualTo(mint);
          assertThat(o.amount()).isEqualTo(amount);
        });

    // the renter adds 10 TUSD and an hour (what an extension's GET /payment gives)
    byte[] topUp = SolanaTransactions.unsigned(SolanaTransactions.compile(renterAddress, rpc.latestBlockhash("confirmed").blockhash(),
        List.of(program.topUpToken(renterAddress, escrow, mint, 10_000_000L, expiresAt + 3600))));
    String topUpSig = chain.signAndSend(Base64.getEncoder().encodeToString(topUp), renter);
    assertThat(program.parseEvents(rpc.transaction(topUpSig, "confirmed").orElseThrow().logs())).singleElement()
        .isInstanceOfSatisfying(EscrowProgram.ToppedUp.class, t -> {
          assertThat(t.deposit()).isEqualTo(amount + 10_000_000L);
          assertThat(t.expiresAt()).isEqualTo(expiresAt + 3600);
        });
    assertThat(chain.tokenBalance(renterAddress)).isEqualTo(370_000_000L);

    long treasuryBefore = chain.tokenBalance(chain.treasury());
    long used = 33_333_333L;
    long fee = used * chain.feeBps() / 10_000;
    SolanaRpc.Blockhash hash = rpc.latestBlockhash("confirmed");
    var m = SolanaTransactions.compile(operator.publicKeyBase58(), hash.blockhash(), List.of(
        EscrowProgram.createAssociatedTokenAccount(operator.publicKeyBase58(), host, mint),
        EscrowProgram.createAssociatedTokenAccount(operator.publicKeyBase58(), chain.treasury(), mint),
        EscrowProgram.createAssociatedTokenAccount(operator.publicKeyBase58(), renterAddress, mint),
        program.settleToken(operator.publicKeyBase58(), escrow, mint, host, chain.treasury(), renterAddress, used)));
    String sig = rpc.sendTransaction(SolanaTransactions.wire(List.of(operator.sign(m.bytes())), m.bytes()), false);
    chain.awaitConfirmed(sig);
    assertThat(chain.tokenBalance(host)).isEqualTo(used - fee);
    assertThat(chain.tokenBalance(chain.treasury()) - treasuryBefore).isEqualTo(fee);
    assertThat(chain.tokenBalance(renterAddress)).isEqualTo(500_000_000L - used);
    assertThat(rpc.account(escrow, "confirmed")).isEmpty();
    assertThat(rpc.account(program.vault(escrow).address(), "confirmed")).isEmpty();
    assertThat(program.parseEvents(rpc.transaction(sig, "confirmed").orElseThrow().logs())).singleElement()
        .isInstanceOfSatisfying(EscrowProgram.Settled.class, x -> assertThat(x.refund()).isEqualTo(amount + 10_000_000L - used));
    // again: the escrow is gone
    var again = SolanaTransactions.compile(operator.publicKeyBase58(), rpc.latestBlockhash("confirmed").blockhash(),
        List.of(program.settleToken(operator.publicKeyBase58(), escrow, mint, host, chain.treasury(), renterAddress, used)));
    assertThatThrownBy(() -> rpc.sendTransaction(SolanaTransactions.wire(List.of(operator.sign(again.bytes())), again.bytes()), false))
        .isInstanceOf(SolanaRpc.Refused.class).hasMessageContaining("39");
  }
}
