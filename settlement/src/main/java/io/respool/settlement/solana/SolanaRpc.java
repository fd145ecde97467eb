package io.respool.settlement.solana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.respool.settlement.EscrowChain.ChainUnavailable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Solana JSON-RPC methods the adapter uses, over HTTP. Every call blocks (run it on a worker
 * thread) and throws {@link ChainUnavailable} when the node cannot be reached or answers with an
 * error that says nothing about the request; {@link #sendTransaction} throws {@link Refused} when
 * the node refuses the transaction itself (preflight, blockhash, signature).
 */
public final class SolanaRpc {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI url;
  private final Duration timeout;
  private final HttpClient http;
  private final AtomicLong ids = new AtomicLong();

  public SolanaRpc(String url, Duration timeout) {
    this.url = URI.create(url);
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /** The node refused a transaction: it was not forwarded and will not land as sent. */
  public static final class Refused extends RuntimeException {
    private final String err;

    Refused(String message, String err) {
      super(message, null, false, false);
      this.err = err;
    }

    /** The transaction error as the node gave it ({@code "BlockhashNotFound"}, {@code {"InstructionError":[0,{"Custom":18}]}}), or null. */
    public String err() { return err; }

    public boolean alreadyProcessed() { return err != null && err.contains("AlreadyProcessed"); }

    public boolean blockhashNotFound() { return err != null && err.contains("BlockhashNotFound"); }
  }

  /** An account: its owner, lamports, data and whether it is a program. */
  public record Account(String owner, long lamports, byte[] data, boolean executable) {}

  public Optional<Account> account(String address, String commitment) {
    return accounts(List.of(address), commitment).get(0);
  }

  /** {@code getMultipleAccounts} (at most 100 per call; more are asked in several). */
  public List<Optional<Account>> accounts(List<String> addresses, String commitment) {
    List<Optional<Account>> out = new ArrayList<>();
    for (int i = 0; i < addresses.size(); i += 100) {
      ArrayNode keys = JSON.createArrayNode();
      addresses.subList(i, Math.min(addresses.size(), i + 100)).forEach(keys::add);
      JsonNode value = call("getMultipleAccounts", keys, cfg(commitment).put("encoding", "base64")).path("value");
      for (JsonNode a : value) {
        out.add(a.isNull() ? Optional.empty() : Optional.of(new Account(a.path("owner").asText(), a.path("lamports").asLong(),
            Base64.getDecoder().decode(a.path("data").get(0).asText()), a.path("executable").asBoolean())));
      }
    }
    return out;
  }

  public long balance(String address, String commitment) {
    return call("getBalance", address, cfg(commitment)).path("value").asLong();
  }

  public record Blockhash(String blockhash, long lastValidBlockHeight) {}

  public Blockhash latestBlockhash(String commitment) {
    JsonNode v = call("getLatestBlockhash", cfg(commitment)).path("value");
    return new Blockhash(v.path("blockhash").asText(), v.path("lastValidBlockHeight").asLong());
  }

  public long blockHeight(String commitment) {
    return call("getBlockHeight", cfg(commitment)).asLong();
  }

  public long minimumBalanceForRentExemption(int size) {
    return call("getMinimumBalanceForRentExemption", size).asLong();
  }

  /**
   * Sends a signed wire transaction; returns its signature. Without preflight the node forwards
   * what is well-formed and validly signed (a failing one lands as failed, fee charged).
   */
  public String sendTransaction(byte[] wire, boolean skipPreflight) {
    ObjectNode c = JSON.createObjectNode().put("encoding", "base64").put("skipPreflight", skipPreflight).put("preflightCommitment", "confirmed")
        .put("maxRetries", 0);
    return call("sendTransaction", Base64.getEncoder().encodeToString(wire), c).asText();
  }

  /**
   * A transaction's status as the node knows it: the slot it landed in, its error (null if it
   * succeeded) and how far it is confirmed ({@code processed}, {@code confirmed}, {@code finalized}).
   */
  public record Status(long slot, String err, String confirmationStatus) {
    /** Whether it has reached {@code commitment}. */
    public boolean reached(String commitment) {
      return rank(confirmationStatus) >= rank(commitment);
    }
  }

  static int rank(String commitment) {
    return switch (commitment == null ? "" : commitment) {
      case "finalized" -> 3;
      case "confirmed" -> 2;
      case "processed" -> 1;
      default -> 0;
    };
  }

  /** {@code getSignatureStatuses} with the whole history searched; empty for an unknown signature. */
  public List<Optional<Status>> signatureStatuses(List<String> signatures) {
    List<Optional<Status>> out = new ArrayList<>();
    for (int i = 0; i < signatures.size(); i += 256) {
      ArrayNode sigs = JSON.createArrayNode();
      signatures.subList(i, Math.min(signatures.size(), i + 256)).forEach(sigs::add);
      JsonNode value = call("getSignatureStatuses", sigs, JSON.createObjectNode().put("searchTransactionHistory", true)).path("value");
      for (JsonNode s : value) {
        out.add(s.isNull() ? Optional.empty()
            : Optional.of(new Status(s.path("slot").asLong(), s.path("err").isNull() || s.path("err").isMissingNode() ? null : s.path("err").toString(),
                s.path("confirmationStatus").asText(null))));
      }
    }
    return out;
  }

  /** One transaction touching an address, newest first as the node lists them. */
  public record SignatureInfo(String signature, long slot, boolean failed) {}

  /**
   * {@code getSignaturesForAddress}: the transactions naming {@code address} that reached
   * {@code commitment}, newest first, after {@code until} (exclusive, null = from the start) and
   * before {@code before} (exclusive, null = the newest), at most {@code limit} (≤ 1000).
   */
  public List<SignatureInfo> signaturesForAddress(String address, String before, String until, int limit, String commitment) {
    ObjectNode c = cfg(commitment).put("limit", limit);
    if (before != null) c.put("before", before);
    if (until != null) c.put("until", until);
    List<SignatureInfo> out = new ArrayList<>();
    for (JsonNode s : call("getSignaturesForAddress", address, c)) {
      out.add(new SignatureInfo(s.path("signature").asText(), s.path("slot").asLong(), !s.path("err").isNull() && !s.path("err").isMissingNode()));
    }
    return out;
  }

  /** A landed transaction as {@code getTransaction} (json) gives it: what the watcher needs. */
  public record Transaction(String signature, long slot, Long blockTime, String err, List<String> logs, List<String> accountKeys) {}

  public Optional<Transaction> transaction(String signature, String commitment) {
    JsonNode t = call("getTransaction", signature, cfg(commitment).put("encoding", "json").put("maxSupportedTransactionVersion", 0));
    if (t.isNull() || t.isMissingNode()) return Optional.empty();
    List<String> logs = new ArrayList<>();
    t.path("meta").path("logMessages").forEach(l -> logs.add(l.asText()));
    List<String> keys = new ArrayList<>();
    t.path("transaction").path("message").path("accountKeys").forEach(k -> keys.add(k.isTextual() ? k.asText() : k.path("pubkey").asText()));
    JsonNode err = t.path("meta").path("err");
    return Optional.of(new Transaction(signature, t.path("slot").asLong(), t.path("blockTime").isNumber() ? t.path("blockTime").asLong() : null,
        err.isNull() || err.isMissingNode() ? null : err.toString(), logs, keys));
  }

  /** {@code requestAirdrop} (devnets and test clusters only). */
  public String requestAirdrop(String address, long lamports) {
    return call("requestAirdrop", address, lamports).asText();
  }

  private static ObjectNode cfg(String commitment) {
    ObjectNode c = JSON.createObjectNode();
    if (commitment != null) c.put("commitment", commitment);
    return c;
  }

  /** One JSON-RPC call; the result, or {@link Refused} / {@link ChainUnavailable}. */
  JsonNode call(String method, Object... params) {
    ObjectNode req = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", ids.incrementAndGet()).put("method", method);
    ArrayNode p = req.putArray("params");
    for (Object o : params) p.add(o instanceof JsonNode n ? n : JSON.valueToTree(o));
    HttpResponse<String> resp;
    try {
      resp = http.send(HttpRequest.newBuilder(url).timeout(timeout).header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(req.toString())).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ChainUnavailable("solana node " + url.getHost() + ":" + url.getPort() + " unreachable (" + method + "): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChainUnavailable("interrupted during " + method, e);
    }
    if (resp.statusCode() != 200) throw new ChainUnavailable("solana node answered HTTP " + resp.statusCode() + " to " + method, null);
    JsonNode body;
    try {
      body = JSON.readTree(resp.body());
    } catch (IOException e) {
      throw new ChainUnavailable("solana node answered " + method + " with something that is not JSON", e);
    }
    JsonNode error = body.path("error");
    if (!error.isMissingNode() && !error.isNull()) {
      String message = error.path("message").asText();
      JsonNode err = error.path("data").path("err");
      if ("sendTransaction".equals(method) && (error.path("code").asInt() == -32002 || error.path("code").asInt() == -32003)) {
        throw new Refused(message, err.isMissingNode() || err.isNull() ? message : err.isTextual() ? err.asText() : err.toString());
      }
      throw new ChainUnavailable("solana node: " + method + " failed: " + error.path("code").asInt() + " " + message, null);
    }
    return body.path("result");
  }
}
