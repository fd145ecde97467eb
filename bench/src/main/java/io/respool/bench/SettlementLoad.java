package io.respool.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Payment and settlement on an Ethereum devnet, through the gateway's API, as renters' wallets do it.
 * Simulated hosts ({@link PaidHosts}) price in TUSD and are paid at anvil accounts; renters are anvil
 * accounts signed in with EIP-191, holding minted tUSD. Phases:
 * <ol>
 *   <li><b>funding</b>: {@code --bookings} bookings ({@code --fund-concurrency} at a time): book, send the
 *       {@code calls} of {@code GET …/payment} (approve, open), each waiting for its receipt; latency = the
 *       {@code open} receipt seen here → the booking's {@code booking.funded} event on {@code /v1/events};</li>
 *   <li><b>settlement</b>: once they run, those bookings are stopped one at a time; latency = {@code POST /stop}
 *       answered → {@code booking.settled}; operator transactions = the operator's nonce delta;</li>
 *   <li><b>burst</b>: {@code --burst} bookings funded and running, stopped at once; time until the last
 *       {@code booking.settled}, the operator's transactions (nonce delta, and the transactions found in the blocks
 *       mined meanwhile) and their gas;</li>
 *   <li><b>check</b>: for every stopped booking, SETTLED over the API with used + refund = deposit, and exactly one
 *       {@code Settled} log of the escrow for its rental, agreeing with the API and with the {@code Opened} amount.</li>
 * </ol>
 * Times are this process's: an event's arrival, a receipt's first sighting (receipts are polled every
 * {@code --receipt-poll-ms}). Any failure stops the run with its message (exit 1); results go to {@code --out}.
 */
@Command(name = "settlement-load", mixinStandardHelpOptions = true,
    description = "Measures Ethereum payment (funding) and settlement latency and batching through a ResPool gateway on a devnet.")
public final class SettlementLoad implements Callable<Integer> {
  @Option(names = "--api", required = true, description = "http://127.0.0.1:PORT of the gateway")
  URI api;
  @Option(names = "--devnet", required = true, description = "the devnet's ethereum.json (ops/ethereum/devnet.sh)")
  Path devnet;
  @Option(names = "--out", required = true, description = "results JSON file")
  Path out;
  @Option(names = "--bookings", defaultValue = "20", description = "bookings funded, then settled one at a time (default ${DEFAULT-VALUE})")
  int bookings;
  @Option(names = "--burst", defaultValue = "40", description = "bookings stopped at once (default ${DEFAULT-VALUE}; 0 = no burst)")
  int burst;
  @Option(names = "--hosts", defaultValue = "4", description = "simulated hosts, paid at anvil accounts 18, 17, … (default ${DEFAULT-VALUE})")
  int hostCount;
  @Option(names = "--renters", defaultValue = "13", description = "renters, anvil accounts 2, 3, … (default ${DEFAULT-VALUE})")
  int renterCount;
  @Option(names = "--fund-concurrency", defaultValue = "4", description = "bookings paid at the same time in the funding phase (default ${DEFAULT-VALUE})")
  int fundConcurrency;
  @Option(names = "--cpu", defaultValue = "0.5", description = "cores per booking (default ${DEFAULT-VALUE})")
  double cpu;
  @Option(names = "--duration-seconds", defaultValue = "900", description = "booked duration (default ${DEFAULT-VALUE})")
  long durationSeconds;
  @Option(names = "--run-seconds", defaultValue = "3", description = "a booking runs at least this long before it is stopped (default ${DEFAULT-VALUE})")
  long runSeconds;
  @Option(names = "--price-core-hour", defaultValue = "36000000", description = "hosts' TUSD base units per core-hour (default ${DEFAULT-VALUE}: 36 tUSD)")
  long priceCoreHour;
  @Option(names = "--receipt-poll-ms", defaultValue = "20", description = "receipt polling interval (default ${DEFAULT-VALUE})")
  long receiptPollMs;
  @Option(names = "--jitter-ms", defaultValue = "1000",
      description = "a random pause in [0, this) before each payment, each one-at-a-time stop and the burst, so that they do not fall in step with "
          + "the gateway's poll and the chain's blocks: a multiple of both periods (default ${DEFAULT-VALUE})")
  long jitterMs;
  @Option(names = "--timeout-seconds", defaultValue = "180", description = "longest wait for one event or receipt (default ${DEFAULT-VALUE})")
  long timeoutSeconds;

  private static final String SETTLED_TOPIC = Hash.sha3String("Settled(bytes32,address,uint256,uint256,uint256)");
  private static final String OPENED_TOPIC = Hash.sha3String("Opened(bytes32,address,address,address,uint256,uint40,uint16)");
  private static final int FIRST_RENTER = 2;   // anvil: 0 operator, 1 treasury, 19 faucet (see AnvilDevnet)
  private static final int FAUCET = 19;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** "bookingId type" → when this process received that event. */
  private final Map<String, CompletableFuture<Long>> events = new ConcurrentHashMap<>();
  private Duration timeout;
  private EvmRpc rpc;

  record Renter(int account, EvmRpc.Wallet wallet, String token) {}

  /** A booking this run paid for. */
  record Paid(String id, Renter renter, String rentalId, long openSeenNanos, long fundedNanos, long openBlock, long headAtFunded) {}

  @Override
  public Integer call() throws Exception {
    if (!Set.of("127.0.0.1", "localhost").contains(api.getHost())) {
      System.err.println("refusing a non-loopback gateway " + api + ": this load generator is for local benchmarks");
      return 2;
    }
    if (bookings < 1 || burst < 0 || hostCount < 1 || renterCount < 1 || fundConcurrency < 1 || FIRST_RENTER + renterCount > 19 - hostCount) {
      System.err.println("--bookings, --hosts, --renters, --fund-concurrency must be positive; renters (from account 2) and hosts (from 18 down) "
          + "must fit in anvil accounts 2..18");
      return 2;
    }
    timeout = Duration.ofSeconds(timeoutSeconds);
    JsonObject dev = new JsonObject(Files.readString(devnet));
    long chainId = dev.getLong("chainId");
    rpc = new EvmRpc(dev.getString("rpcUrl"), chainId, receiptPollMs);
    String escrow = null;
    for (Object e : dev.getJsonArray("escrows")) {
      if ("tUSD".equalsIgnoreCase(((JsonObject) e).getString("asset"))) escrow = ((JsonObject) e).getString("address").toLowerCase();
    }
    if (escrow == null) throw new IllegalStateException("no tUSD escrow in " + devnet);
    String stablecoin = dev.getJsonObject("stablecoin").getString("address").toLowerCase();
    String operator = dev.getString("operator").toLowerCase();
    JsonObject accounts = new JsonObject(Files.readString(Path.of(dev.getString("testAccountsFile"))));
    JsonArray keys = accounts.getJsonArray("private_keys");
    JsonArray addresses = accounts.getJsonArray("available_accounts");

    JsonObject result = new JsonObject().put("startedAt", Instant.now().toString());
    Vertx vertx = Vertx.vertx();
    ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    PaidHosts hosts = null;
    List<WebSocket> sockets = new ArrayList<>();
    try {
      // --- hosts, renters ------------------------------------------------------------------------
      List<String> payouts = new ArrayList<>();
      for (int i = 0; i < hostCount; i++) payouts.add(addresses.getString(18 - i).toLowerCase());
      hosts = new PaidHosts(vertx, api.getHost(), api.getPort(), "settle-", payouts, "TUSD", priceCoreHour);
      hosts.start().await(60, TimeUnit.SECONDS);
      log("%d hosts registered (TUSD, paid at anvil accounts 18..%d)", hostCount, 19 - hostCount);

      EvmRpc.Wallet faucet = rpc.wallet(keys.getString(FAUCET));
      List<String> mints = new ArrayList<>();
      for (int i = 0; i < renterCount; i++) {
        String to = addresses.getString(FIRST_RENTER + i);
        String data = FunctionEncoder.encode(new Function("mint", List.of(new Address(to), new Uint256(BigInteger.valueOf(100_000_000_000L))), List.of()));
        mints.add(faucet.submit(stablecoin, BigInteger.ZERO, data, "mint tUSD to " + to));
      }
      for (String m : mints) rpc.await(m, timeout, "mint");
      List<Renter> renters = new ArrayList<>();
      WebSocketClient wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(renterCount + 1)
          .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20));
      for (int i = 0; i < renterCount; i++) {
        EvmRpc.Wallet w = rpc.wallet(keys.getString(FIRST_RENTER + i));
        Renter r = new Renter(FIRST_RENTER + i, w, signIn(w));
        sockets.add(subscribe(wsClient, r.token()));
        renters.add(r);
      }
      log("%d renters signed in with their Ethereum keys, 100,000 tUSD each, subscribed to their bookings' events", renterCount);

      // --- 1. funding --------------------------------------------------------------------------
      long nonceStart = rpc.nonce(operator, "latest");
      List<Paid> paid = fund(threads, renters, hosts, 0, bookings, fundConcurrency, "funding");
      List<Double> funding = new ArrayList<>();
      List<Double> fundingBlocks = new ArrayList<>();
      for (Paid p : paid) {
        funding.add((p.fundedNanos() - p.openSeenNanos()) / 1e6);
        fundingBlocks.add((double) (p.headAtFunded() - p.openBlock() + 1));
      }
      result.put("funding", stats(funding).put("blocksIncludingTheOpensSeenAtFunded", stats(fundingBlocks)));
      log("funding: %s ms", stats(funding).encode());
      awaitRunning(paid);

      // --- 2. settlement, one at a time ----------------------------------------------------------
      long nonceBefore = rpc.nonce(operator, "latest");
      if (nonceBefore != nonceStart) throw new IllegalStateException("the operator sent " + (nonceBefore - nonceStart) + " transactions before any stop");
      List<Double> settle = new ArrayList<>();
      List<Double> toStopped = new ArrayList<>();
      List<Double> stoppedToSettled = new ArrayList<>();
      Map<String, Long> headAtSettled = new HashMap<>();
      for (Paid p : paid) {
        jitter();
        long sent = System.nanoTime();
        stop(p);
        long answered = System.nanoTime();
        long stopped = await(p.id(), "booking.stopped");
        long settled = await(p.id(), "booking.settled");
        headAtSettled.put(p.id(), rpc.head());
        settle.add((settled - answered) / 1e6);
        toStopped.add((stopped - sent) / 1e6);
        stoppedToSettled.add((settled - stopped) / 1e6);
      }
      long nonceAfter = rpc.nonce(operator, "latest");
      Map<String, JsonObject> deposits = new HashMap<>();
      for (Paid p : paid) deposits.put(p.id(), deposit(p));
      List<Double> settleBlocks = new ArrayList<>();
      Map<String, JsonObject> receipts = new HashMap<>();
      for (Paid p : paid) {
        String tx = deposits.get(p.id()).getString("settleTx");
        JsonObject rc = receipts.computeIfAbsent(tx, rpc::receipt);
        settleBlocks.add((double) (headAtSettled.get(p.id()) - EvmRpc.num(rc.getString("blockNumber")) + 1));
      }
      long gasAlone = receipts.values().stream().mapToLong(r -> EvmRpc.num(r.getString("gasUsed"))).sum();
      result.put("settlement", stats(settle)
          .put("postStopToStoppedMs", stats(toStopped))
          .put("stoppedToSettledMs", stats(stoppedToSettled))
          .put("blocksIncludingTheSettlesSeenAtSettled", stats(settleBlocks))
          .put("operatorTransactions", nonceAfter - nonceBefore)
          .put("distinctSettleTxs", receipts.size())
          .put("gasPerRental", paid.isEmpty() ? 0 : gasAlone / paid.size()));
      log("settlement one at a time: %s ms; %d operator transactions", stats(settle).encode(), nonceAfter - nonceBefore);

      // --- 3. burst ---------------------------------------------------------------------------
      List<Paid> burstPaid = List.of();
      if (burst > 0) {
        burstPaid = fund(threads, renters, hosts, bookings, burst, renterCount, "burst funding");
        awaitRunning(burstPaid);
        jitter();
        long nonce0 = rpc.nonce(operator, "latest");
        long head0 = rpc.head();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> answers = new ArrayList<>();
        for (Paid p : burstPaid) answers.add(threads.submit(() -> {
          go.await();
          stop(p);
          return System.nanoTime();
        }));
        long t0 = System.nanoTime();
        go.countDown();
        long lastAnswer = 0;
        for (Future<Long> a : answers) lastAnswer = Math.max(lastAnswer, get(a));
        long lastSettled = 0;
        List<Double> perBooking = new ArrayList<>();
        for (int i = 0; i < burstPaid.size(); i++) {
          long s = await(burstPaid.get(i).id(), "booking.settled");
          lastSettled = Math.max(lastSettled, s);
          perBooking.add((s - get(answers.get(i))) / 1e6);
        }
        long head1 = rpc.head();
        long nonce1 = rpc.nonce(operator, "latest");
        long opTxs = 0;
        long gas = 0;
        for (long b = head0 + 1; b <= head1; b++) {
          for (Object t : rpc.block(b, true).getJsonArray("transactions")) {
            JsonObject tx = (JsonObject) t;
            if (!operator.equalsIgnoreCase(tx.getString("from"))) continue;
            opTxs++;
            gas += EvmRpc.num(rpc.receipt(tx.getString("hash")).getString("gasUsed"));
          }
        }
        Map<String, Integer> batches = new TreeMap<>();
        for (Paid p : burstPaid) {
          JsonObject d = deposit(p);
          deposits.put(p.id(), d);
          batches.merge(d.getString("settleTx"), 1, Integer::sum);
        }
        List<Integer> sizes = new ArrayList<>(batches.values());
        sizes.sort(Collections.reverseOrder());
        result.put("burst", new JsonObject().put("bookings", burstPaid.size())
            .put("allSettledMs", round((lastSettled - t0) / 1e6))
            .put("lastStopAnsweredMs", round((lastAnswer - t0) / 1e6))
            .put("perBookingAnsweredToSettledMs", stats(perBooking))
            .put("operatorNonceDelta", nonce1 - nonce0)
            .put("operatorTxsInBlocks", opTxs)
            .put("blocks", head1 - head0)
            .put("batchSizes", new JsonArray(new ArrayList<>(sizes)))
            .put("gasUsed", gas)
            .put("gasPerRental", gas / burstPaid.size()));
        log("burst of %d: all settled after %.0f ms, %d operator transactions (batches %s), %d gas per rental", burstPaid.size(),
            (lastSettled - t0) / 1e6, nonce1 - nonce0, sizes, gas / burstPaid.size());
      }

      // --- 4. check ---------------------------------------------------------------------------
      List<Paid> all = new ArrayList<>(paid);
      all.addAll(burstPaid);
      result.put("check", check(all, deposits, escrow, dev.getLong("deployBlock")));
      result.put("hosts", new JsonObject().put("starts", hosts.starts.get()).put("stops", hosts.stops.get()).put("disconnects", hosts.disconnects.get()));
      result.put("finishedAt", Instant.now().toString());
      write(result);
      JsonObject check = result.getJsonObject("check");
      log("check: %s", check.encode());
      return check.getJsonArray("problems").isEmpty() ? 0 : 1;
    } catch (Exception e) {
      log("FAILED: %s", e.getMessage() == null ? e.toString() : e.getMessage());
      write(result.put("error", e.getMessage() == null ? e.toString() : e.getMessage()));
      return 1;
    } finally {
      for (WebSocket s : sockets) s.close();
      if (hosts != null) hosts.close().await(10, TimeUnit.SECONDS);
      threads.shutdownNow();
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  // --- phases ---------------------------------------------------------------------------------

  /** Books and pays bookings {@code first…first+count-1}, {@code concurrency} at a time; each waits for its booking.funded. */
  private List<Paid> fund(ExecutorService threads, List<Renter> renters, PaidHosts hosts, int first, int count, int concurrency, String phase)
      throws Exception {
    Semaphore slots = new Semaphore(concurrency);
    List<Future<Paid>> all = new ArrayList<>();
    for (int i = first; i < first + count; i++) {
      Renter r = renters.get(i % renters.size());
      String region = hosts.region(i % hosts.size());
      all.add(threads.submit(() -> {
        slots.acquire();
        try {
          return payFor(r, region);
        } finally {
          slots.release();
        }
      }));
    }
    List<Paid> paid = new ArrayList<>();
    for (Future<Paid> f : all) paid.add(get(f));
    log("%s: %d bookings paid and FUNDED", phase, paid.size());
    return paid;
  }

  private Paid payFor(Renter r, String region) {
    JsonObject booking = new JsonObject().put("cpu", cpu).put("memoryMb", 64).put("durationSeconds", durationSeconds).put("region", region)
        .put("currency", "TUSD").put("paymentChain", "ethereum").put("command", new JsonArray().add("sleep").add(Long.toString(durationSeconds)));
    JsonObject b = request("POST", "/v1/bookings", booking.encode(), r.token(), 201);
    String id = b.getString("id");
    if (!"PENDING_PAYMENT".equals(b.getString("state"))) throw new IllegalStateException("booking " + id + " is " + b.getString("state"));
    JsonObject d = onlyDeposit(request("GET", "/v1/bookings/" + id + "/payment", null, r.token(), 200), id);
    JsonArray calls = d.getJsonArray("calls", new JsonArray());
    if (calls.isEmpty()) throw new IllegalStateException("booking " + id + ": no calls to send in its deposit " + d.encode());
    jitter();
    EvmRpc.Mined last = null;
    for (Object o : calls) {
      JsonObject c = (JsonObject) o;
      last = r.wallet().send(c.getString("to"), new BigInteger(c.getString("value")), c.getString("data"),
          c.getString("description") + " (booking " + id + ")", timeout);
    }
    long funded = await(id, "booking.funded");
    long head = rpc.head();
    return new Paid(id, r, d.getString("rentalId"), last.seenNanos(), funded, last.block(), head);
  }

  /** Waits until every booking is RUNNING and has run --run-seconds. */
  private void awaitRunning(List<Paid> paid) {
    long latest = 0;
    for (Paid p : paid) latest = Math.max(latest, await(p.id(), "booking.running"));
    long wait = latest + TimeUnit.SECONDS.toNanos(runSeconds) - System.nanoTime();
    if (wait > 0) sleep(TimeUnit.NANOSECONDS.toMillis(wait));
  }

  private void stop(Paid p) {
    JsonObject b = request("POST", "/v1/bookings/" + p.id() + "/stop", "", p.renter().token(), 200);
    if (!Set.of("STOPPING", "STOPPED").contains(b.getString("state"))) throw new IllegalStateException("stopping " + p.id() + " answered " + b.getString("state"));
  }

  private JsonObject deposit(Paid p) {
    return onlyDeposit(request("GET", "/v1/bookings/" + p.id() + "/payment", null, p.renter().token(), 200), p.id());
  }

  private static JsonObject onlyDeposit(JsonObject payment, String id) {
    JsonArray ds = payment.getJsonArray("deposits", new JsonArray());
    if (ds.size() != 1) throw new IllegalStateException("booking " + id + " has " + ds.size() + " deposits, expected one (one host): " + payment.encode());
    return ds.getJsonObject(0);
  }

  /** The API's and the chain's word on every stopped booking. */
  private JsonObject check(List<Paid> all, Map<String, JsonObject> deposits, String escrow, long fromBlock) {
    List<String> problems = new ArrayList<>();
    long head = rpc.head();
    Map<String, List<JsonObject>> settledLogs = new HashMap<>();
    for (Object o : rpc.logs(escrow, SETTLED_TOPIC, fromBlock, head)) {
      JsonObject l = (JsonObject) o;
      settledLogs.computeIfAbsent(l.getJsonArray("topics").getString(1).toLowerCase(), k -> new ArrayList<>()).add(l);
    }
    Map<String, BigInteger> opened = new HashMap<>();
    for (Object o : rpc.logs(escrow, OPENED_TOPIC, fromBlock, head)) {
      JsonObject l = (JsonObject) o;
      opened.put(l.getJsonArray("topics").getString(1).toLowerCase(), word(l.getString("data"), 1));
    }
    long usedZero = 0;
    long apiOk = 0;
    long chainOk = 0;
    Set<String> rentals = new HashSet<>();
    for (Paid p : all) {
      String rental = p.rentalId().toLowerCase();
      rentals.add(rental);
      String state = request("GET", "/v1/bookings/" + p.id(), null, p.renter().token(), 200).getString("state");
      JsonObject d = deposits.get(p.id());
      long amount = amount(d, "amount");
      Long deposited = amount(d, "deposited");
      Long used = amount(d, "used");
      Long refund = amount(d, "refund");
      Long fee = amount(d, "fee");
      Long hostAmount = amount(d, "hostAmount");
      boolean ok = "SETTLED".equals(state) && "SETTLED".equals(d.getString("state")) && deposited != null && used != null && refund != null
          && fee != null && hostAmount != null && deposited == amount && used + refund == deposited && fee + hostAmount == used;
      if (ok) apiOk++;
      else problems.add("booking " + p.id() + " (" + state + "): deposit " + d.encode());
      if (used != null && used == 0) usedZero++;
      List<JsonObject> logs = settledLogs.getOrDefault(rental, List.of());
      if (logs.size() != 1) {
        problems.add("rental " + rental + " of booking " + p.id() + " has " + logs.size() + " Settled logs");
        continue;
      }
      String data = logs.get(0).getString("data");
      BigInteger host = word(data, 0);
      BigInteger f = word(data, 1);
      BigInteger back = word(data, 2);
      BigInteger in = opened.get(rental);
      boolean agrees = in != null && host.add(f).add(back).equals(in) && used != null && host.add(f).longValueExact() == used
          && refund != null && back.longValueExact() == refund && logs.get(0).getString("transactionHash").equalsIgnoreCase(d.getString("settleTx"));
      if (agrees) chainOk++;
      else problems.add("rental " + rental + " of booking " + p.id() + ": Settled host " + host + ", fee " + f + ", refund " + back + ", Opened " + in
          + "; the API says " + d.encode());
    }
    long strays = settledLogs.keySet().stream().filter(k -> !rentals.contains(k)).count();
    if (strays > 0) problems.add(strays + " Settled logs for rentals this run did not stop");
    return new JsonObject().put("bookings", all.size()).put("settledWithUsedPlusRefundEqualDeposit", apiOk)
        .put("exactlyOneSettledLogAgreeingWithApiAndOpened", chainOk).put("usedZero", usedZero)
        .put("problems", new JsonArray(problems.size() > 20 ? problems.subList(0, 20) : problems)).put("problemCount", problems.size());
  }

  private static BigInteger word(String data, int i) {
    String hex = Numeric.cleanHexPrefix(data);
    return new BigInteger(hex.substring(64 * i, 64 * (i + 1)), 16);
  }

  // --- API ------------------------------------------------------------------------------------

  private String signIn(EvmRpc.Wallet w) {
    JsonObject c = request("POST", "/v1/auth/challenge", new JsonObject().put("chain", "ethereum").put("address", w.address).encode(), null, 200);
    String message = c.getString("message");
    Sign.SignatureData sig = Sign.signPrefixedMessage(message.getBytes(StandardCharsets.UTF_8), w.key.getEcKeyPair());
    String signature = Numeric.toHexString(sig.getR()) + Numeric.toHexStringNoPrefix(sig.getS()) + Numeric.toHexStringNoPrefix(sig.getV());
    JsonObject v = request("POST", "/v1/auth/verify", new JsonObject().put("chain", "ethereum").put("address", w.address).put("message", message)
        .put("signature", signature).encode(), null, 200);
    return v.getString("token");
  }

  private JsonObject request(String method, String path, String body, String token, int expect) {
    HttpRequest.Builder b = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("content-type", "application/json");
    if (token != null) b.header("authorization", "Bearer " + token);
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != expect) throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
      return new JsonObject(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The renter's private {@code bookings} topic on /v1/events: every event's arrival is recorded. */
  private WebSocket subscribe(WebSocketClient client, String token) {
    CompletableFuture<Void> subscribed = new CompletableFuture<>();
    WebSocket ws;
    try {
      ws = client.connect(new WebSocketConnectOptions().setHost(api.getHost()).setPort(api.getPort()).setURI("/v1/events")).await(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("connecting to /v1/events: no answer within 10 s", e);
    }
    ws.textMessageHandler(text -> {
      long now = System.nanoTime();
      JsonObject m = new JsonObject(text);
      switch (m.getString("type", "")) {
        case "subscribed" -> subscribed.complete(null);
        case "event" -> {
          JsonObject e = m.getJsonObject("event");
          String booking = e.getJsonObject("data", new JsonObject()).getString("bookingId");
          if (booking != null) events.computeIfAbsent(booking + " " + e.getString("type"), k -> new CompletableFuture<>()).complete(now);
        }
        case "error" -> subscribed.completeExceptionally(new IllegalStateException("events: " + m.encode()));
        default -> { }
      }
    });
    ws.closeHandler(v -> subscribed.completeExceptionally(new IllegalStateException("events socket closed: " + ws.closeReason())));
    ws.writeTextMessage(new JsonObject().put("type", "subscribe").put("topic", "bookings").put("token", token).encode());
    try {
      subscribed.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("subscribing to /v1/events: " + e.getMessage(), e);
    }
    return ws;
  }

  /** When the event {@code type} of {@code bookingId} arrived (waits for it). */
  private long await(String bookingId, String type) {
    try {
      return events.computeIfAbsent(bookingId + " " + type, k -> new CompletableFuture<>()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("booking " + bookingId + ": no " + type + " event within " + timeout.toSeconds() + " s", e);
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("waiting for " + type + " of " + bookingId + ": " + e, e);
    }
  }

  private <T> T get(Future<T> f) throws Exception {
    try {
      return f.get(timeout.toMillis() * 4, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  // --- numbers and output ---------------------------------------------------------------------

  /** count, min, p50, p95 (nearest rank), max, mean. */
  static JsonObject stats(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (v.length == 0) return new JsonObject().put("count", 0);
    return new JsonObject().put("count", v.length).put("min", round(v[0])).put("p50", round(rank(v, 50))).put("p95", round(rank(v, 95)))
        .put("max", round(v[v.length - 1])).put("mean", round(Arrays.stream(v).average().orElse(0)));
  }

  private static double rank(double[] sorted, double p) {
    return sorted[Math.max(0, (int) Math.ceil(p / 100 * sorted.length) - 1)];
  }

  private static double round(double x) {
    return Math.round(x * 10) / 10.0;
  }

  private void write(JsonObject result) throws IOException {
    Path abs = out.toAbsolutePath();
    if (abs.getParent() != null) Files.createDirectories(abs.getParent());
    Files.writeString(abs, result.encodePrettily());
  }

  /**
   * Without it each step of a closed loop starts right after the event that ended the previous one, i.e. just after one of the
   * gateway's rounds, and every measurement sees the same phase of its poll (a first run did: one-at-a-time settlements on automine
   * all took 1.88–2.0 s, each stop landing just after the submitter's round had looked for work).
   */
  private void jitter() {
    if (jitterMs > 0) sleep(ThreadLocalRandom.current().nextLong(jitterMs));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static void log(String format, Object... args) {
    System.err.println(Instant.now() + " settlement-load: " + String.format(format, args));
  }

  /** An amount of the API (a decimal string since amounts may leave a long; this load stays inside one), or null. */
  static Long amount(JsonObject o, String key) {
    Object v = o.getValue(key);
    return v == null ? null : v instanceof Number n ? n.longValue() : Long.valueOf(v.toString());
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new SettlementLoad()).execute(args));
  }
}
