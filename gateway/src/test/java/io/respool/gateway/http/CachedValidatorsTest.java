package io.respool.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The router's contract builds each schema's validator once, and those validators still refuse what the contract refuses. */
class CachedValidatorsTest {
  @Test
  void oneValidatorPerSchemaThatStillValidates() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (var in = getClass().getResourceAsStream("/openapi.yaml")) {
      String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      OpenAPIContract parsed = OpenAPIContract.from(vertx, Contract.forRouter(yaml)).await(30, TimeUnit.SECONDS);
      OpenAPIContract contract = CachedValidators.of(parsed);
      JsonSchema body = contract.operation("createBooking").getRequestBody().getContent().get("application/json").getSchema();
      SchemaRepository repository = contract.getSchemaRepository();

      Validator first = repository.validator(body);
      assertThat(repository.validator(body)).isSameAs(first);
      // the parsed contract's own repository builds a new one each time: what the cache saves
      assertThat(parsed.getSchemaRepository().validator(body)).isNotSameAs(parsed.getSchemaRepository().validator(body));

      assertThat(first.validate(new JsonObject().put("cpu", 1).put("memoryMb", 512).put("durationSeconds", 600).put("image", "busybox")).getValid()).isTrue();
      assertThat(first.validate(new JsonObject().put("cpu", "lots").put("durationSeconds", 600).put("image", "busybox")).getValid()).isFalse();
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
