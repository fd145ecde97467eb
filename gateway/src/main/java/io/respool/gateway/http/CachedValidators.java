package io.respool.gateway.http;

import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.contract.SecurityRequirement;
import io.vertx.openapi.contract.SecurityScheme;
import io.vertx.openapi.contract.Server;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The contract as the router validates requests with it, each schema's validator built once.
 * Vert.x's request validator asks the schema repository for a new validator for every parameter
 * and body of every request, and each new one copies the repository's whole table of schemas
 * (hundreds of entries for this typed contract): that copy was the largest single cost of a
 * placement. A validator only reads that table once built, so one per schema serves every request
 * on every thread. Everything else is the contract as parsed.
 */
final class CachedValidators implements OpenAPIContract {
  private final OpenAPIContract contract;
  private final SchemaRepository repository;

  private CachedValidators(OpenAPIContract contract) {
    this.contract = contract;
    this.repository = new Repository(contract.getSchemaRepository());
  }

  static OpenAPIContract of(OpenAPIContract contract) {
    return new CachedValidators(contract);
  }

  @Override
  public SchemaRepository getSchemaRepository() { return repository; }

  @Override
  public Operation operation(String operationId) { return contract.operation(operationId); }

  @Override
  public List<Operation> operations() { return contract.operations(); }

  @Override
  public List<Path> getPaths() { return contract.getPaths(); }

  @Override
  public JsonObject getRawContract() { return contract.getRawContract(); }

  @Override
  public OpenAPIVersion getVersion() { return contract.getVersion(); }

  @Override
  public List<Server> getServers() { return contract.getServers(); }

  @Override
  public Path findPath(String urlPath) { return contract.findPath(urlPath); }

  @Override
  public Operation findOperation(String urlPath, HttpMethod method) { return contract.findOperation(urlPath, method); }

  @Override
  public List<SecurityRequirement> getSecurityRequirements() { return contract.getSecurityRequirements(); }

  @Override
  public SecurityScheme securityScheme(String name) { return contract.securityScheme(name); }

  /** A schema is keyed by identity: the contract's operations hold theirs for its lifetime. */
  private record Key(JsonSchema schema) {
    @Override
    public boolean equals(Object o) { return o instanceof Key k && k.schema == schema; }

    @Override
    public int hashCode() { return System.identityHashCode(schema); }
  }

  /** The parsed repository, with {@link #validator(JsonSchema)} memoized. */
  private static final class Repository implements SchemaRepository {
    private static final int MAX_CACHED = 4096;
    private final SchemaRepository repository;
    private final Map<Key, Validator> validators = new ConcurrentHashMap<>();

    Repository(SchemaRepository repository) {
      this.repository = repository;
    }

    @Override
    public Validator validator(JsonSchema schema) {
      Validator v = validators.get(new Key(schema));
      if (v != null) return v;
      v = repository.validator(schema);
      // a contract holds a bounded set of schemas; should a caller ever pass fresh ones, stop caching rather than grow
      if (validators.size() < MAX_CACHED) validators.putIfAbsent(new Key(schema), v);
      return v;
    }

    @Override
    public SchemaRepository dereference(JsonSchema schema) {
      repository.dereference(schema);
      return this;
    }

    @Override
    public SchemaRepository dereference(String uri, JsonSchema schema) {
      repository.dereference(uri, schema);
      return this;
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs) {
      repository.preloadMetaSchema(fs);
      return this;
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs, io.vertx.json.schema.Draft draft) {
      repository.preloadMetaSchema(fs, draft);
      return this;
    }

    @Override
    public Validator validator(String ref) { return repository.validator(ref); }

    @Override
    public Validator validator(String ref, JsonSchemaOptions options) { return repository.validator(ref, options); }

    @Override
    public Validator validator(JsonSchema schema, JsonSchemaOptions options, boolean dereference) {
      return repository.validator(schema, options, dereference);
    }

    @Override
    public JsonObject resolve(JsonObject schema) { return repository.resolve(schema); }

    @Override
    public JsonSchema find(String pointer) { return repository.find(pointer); }
  }
}
