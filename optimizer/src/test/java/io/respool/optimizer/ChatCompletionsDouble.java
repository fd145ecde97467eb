package io.respool.optimizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A protocol double for a remote model, which cannot run here: a real HTTP server on loopback that
 * speaks the OpenAI chat-completions protocol ({@code POST /v1/chat/completions}) or, built with
 * {@link #ollama()}, Ollama's chat protocol ({@code POST /api/chat}, one JSON answer with {@code
 * "stream": false}), and answers each request with the next scripted reply (the assistant's
 * content, an HTTP error, or a delay). It keeps every request for the test to inspect.
 */
final class ChatCompletionsDouble implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One scripted answer: {@code content} as the assistant's message, or {@code status} ≠ 200 with an error body, after {@code delayMs}. */
  record Reply(int status, String content, long delayMs) {
    static Reply content(String content) { return new Reply(200, content, 0); }

    static Reply slow(String content, long delayMs) { return new Reply(200, content, delayMs); }

    static Reply error(int status) { return new Reply(status, null, 0); }
  }

  private final HttpServer server;
  private final BlockingQueue<Reply> script = new LinkedBlockingQueue<>();
  final BlockingQueue<JsonNode> requests = new LinkedBlockingQueue<>();
  final BlockingQueue<String> authorizations = new LinkedBlockingQueue<>();
  /** One entry per reply the server finished (sent or failed to send because the client had gone). */
  final BlockingQueue<Integer> finished = new LinkedBlockingQueue<>();

  private final boolean ollama;

  /** Speaking the OpenAI chat-completions protocol. */
  ChatCompletionsDouble() throws IOException {
    this(false);
  }

  /** Speaking Ollama's {@code /api/chat}. */
  static ChatCompletionsDouble ollama() throws IOException {
    return new ChatCompletionsDouble(true);
  }

  private ChatCompletionsDouble(boolean ollama) throws IOException {
    this.ollama = ollama;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(ollama ? "/api/chat" : "/v1/chat/completions", exchange -> {
      try (exchange) {
        requests.add(JSON.readTree(exchange.getRequestBody()));
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        Reply r = script.poll(5, TimeUnit.SECONDS);
        if (r == null) r = Reply.error(500);
        if (r.delayMs() > 0) Thread.sleep(r.delayMs());
        String body;
        if (ollama) {
          body = r.status() == 200 ? ollamaAnswer(r.content()) : "{\"error\":\"scripted failure\"}";
        } else if (r.status() == 200) {
          ObjectNode answer = JSON.createObjectNode().put("id", "chatcmpl-test").put("object", "chat.completion").put("created", 1)
              .put("model", "test-model");
          ObjectNode choice = answer.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
          choice.putObject("message").put("role", "assistant").put("content", r.content());
          answer.putObject("usage").put("prompt_tokens", 1).put("completion_tokens", 1).put("total_tokens", 2);
          body = JSON.writeValueAsString(answer);
        } else {
          body = "{\"error\":{\"message\":\"scripted failure\",\"type\":\"server_error\"}}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(r.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException ignored) {
        // the client gave up (a timeout): nothing to answer
      } finally {
        finished.add(1);
      }
    });
    server.start();
  }

  /** Ollama's non-streamed chat answer: the whole message and {@code done}. */
  private static String ollamaAnswer(String content) throws IOException {
    ObjectNode answer = JSON.createObjectNode().put("model", "test-model").put("created_at", "2026-12-04T00:00:00Z");
    answer.putObject("message").put("role", "assistant").put("content", content);
    answer.put("done", true).put("done_reason", "stop").put("total_duration", 1).put("prompt_eval_count", 1).put("eval_count", 1);
    return JSON.writeValueAsString(answer);
  }

  /** The base URL a client is configured with: {@code …/v1} for OpenAI, the server's root for Ollama. */
  String baseUrl() { return "http://127.0.0.1:" + server.getAddress().getPort() + (ollama ? "" : "/v1"); }

  void script(Reply r) { script.add(r); }

  @Override
  public void close() { server.stop(0); }
}
