package io.respool.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/**
 * Plain JSON-RPC to an Ethereum node (the devnet's anvil) and wallets that sign EIP-1559
 * transactions as a renter's wallet would: estimate, sign with the next nonce, send, wait for the
 * receipt. Every failure throws: the benchmark stops with the message.
 */
final class EvmRpc {
  private final URI url;
  private final long chainId;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicLong ids = new AtomicLong();
  private final long receiptPollMs;

  EvmRpc(String url, long chainId, long receiptPollMs) {
    this.url = URI.create(url);
    this.chainId = chainId;
    this.receiptPollMs = receiptPollMs;
  }

  /** One call; returns {@code result} (a String, JsonObject, JsonArray or null). */
  Object call(String method, Object... params) {
    JsonObject req = new JsonObject().put("jsonrpc", "2.0").put("id", ids.incrementAndGet()).put("method", method)
        .put("params", new JsonArray(java.util.List.of(params)));
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(req.encode())).build(), HttpResponse.BodyHandlers.ofString());
      JsonObject answer = new JsonObject(r.body());
      if (answer.getValue("error") != null) throw new IllegalStateException(method + ": " + answer.getValue("error"));
      return answer.getValue("result");
    } catch (IOException e) {
      throw new IllegalStateException(method + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static long num(Object hex) {
    return Numeric.toBigInt((String) hex).longValueExact();
  }

  static String hex(long n) {
    return "0x" + Long.toHexString(n);
  }

  long head() {
    return num(call("eth_blockNumber"));
  }

  /** Transactions of {@code address} mined ({@code latest}) or also waiting ({@code pending}). */
  long nonce(String address, String tag) {
    return num(call("eth_getTransactionCount", address, tag));
  }

  JsonObject block(long n, boolean fullTransactions) {
    return (JsonObject) call("eth_getBlockByNumber", hex(n), fullTransactions);
  }

  JsonObject receipt(String txHash) {
    return (JsonObject) call("eth_getTransactionReceipt", txHash);
  }

  /** Logs of {@code address} with {@code topic0} in [from, to]. */
  JsonArray logs(String address, String topic0, long from, long to) {
    return (JsonArray) call("eth_getLogs", new JsonObject().put("address", address).put("fromBlock", hex(from)).put("toBlock", hex(to))
        .put("topics", new JsonArray().add(topic0)));
  }

  /** A receipt and the moment (System.nanoTime) this side saw it. */
  record Mined(JsonObject receipt, long seenNanos) {
    long block() { return num(receipt.getString("blockNumber")); }
  }

  /** Polls for the receipt every receiptPollMs until {@code timeout}; fails if it reverted. */
  Mined await(String txHash, Duration timeout, String what) {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonObject r = receipt(txHash);
      if (r != null) {
        long seen = System.nanoTime();
        if (!"0x1".equals(r.getString("status"))) throw new IllegalStateException(what + ": transaction " + txHash + " reverted");
        return new Mined(r, seen);
      }
      if (System.nanoTime() > end) throw new IllegalStateException(what + ": transaction " + txHash + " not mined within " + timeout);
      try {
        Thread.sleep(receiptPollMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  /** An account's wallet. Its transactions are signed one after the other (a local nonce). */
  final class Wallet {
    final Credentials key;
    final String address;
    private long nextNonce = -1;

    Wallet(String privateKey) {
      this.key = Credentials.create(privateKey);
      this.address = key.getAddress().toLowerCase();
    }

    /** Signs and sends without waiting; returns the hash. */
    synchronized String submit(String to, BigInteger value, String data, String what) {
      JsonObject tx = new JsonObject().put("from", address).put("to", to).put("data", data).put("value", "0x" + value.toString(16));
      long gas;
      try {
        gas = num(call("eth_estimateGas", tx)) * 3 / 2;
      } catch (IllegalStateException e) {
        throw new IllegalStateException(what + " would fail: " + e.getMessage(), e);
      }
      if (nextNonce < 0) nextNonce = nonce(address, "pending");
      BigInteger baseFee = Numeric.toBigInt(((JsonObject) call("eth_getBlockByNumber", "latest", false)).getString("baseFeePerGas"));
      BigInteger tip = BigInteger.valueOf(1_000_000_000L);
      RawTransaction raw = RawTransaction.createTransaction(chainId, BigInteger.valueOf(nextNonce), BigInteger.valueOf(gas), to, value, data, tip,
          baseFee.shiftLeft(1).add(tip));
      byte[] signed = TransactionEncoder.signMessage(raw, key);
      String hash = Numeric.toHexString(Hash.sha3(signed));
      String sent = (String) call("eth_sendRawTransaction", Numeric.toHexString(signed));
      if (!hash.equalsIgnoreCase(sent)) throw new IllegalStateException(what + ": the node names the transaction " + sent + ", not " + hash);
      nextNonce++;
      return hash;
    }

    /** Sends and waits for the receipt (the wallet is busy meanwhile, as a wallet's confirmation dialog is). */
    synchronized Mined send(String to, BigInteger value, String data, String what, Duration timeout) {
      return await(submit(to, value, data, what), timeout, what);
    }
  }

  Wallet wallet(String privateKey) {
    return new Wallet(privateKey);
  }
}
