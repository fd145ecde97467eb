package io.respool.hostworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.respool.protocol.crypto.Ed25519;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostKeyStoreTest {
  @TempDir Path tmp;

  @Test
  void createsAnOwnerOnlyKeyInAnOwnerOnlyHomeAndReusesItAfterARestart() throws Exception {
    Path home = tmp.resolve("new/home");

    Ed25519.Keys first = new HostKeyStore(home).loadOrCreate();
    Ed25519.Keys again = new HostKeyStore(home).loadOrCreate();

    Path key = home.resolve("host.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home))).isEqualTo("rwx------");
    assertThat(Files.size(key)).isEqualTo(32);
    assertThat(again.publicKeyBase58()).isEqualTo(first.publicKeyBase58());
    assertThat(again.seed()).isEqualTo(first.seed());
    try (var files = Files.list(home)) {
      assertThat(files).containsExactly(key); // no temporary file left behind
    }
  }

  @Test
  void refusesAKeyReadableByGroupOrOthers() throws Exception {
    HostKeyStore store = new HostKeyStore(tmp);
    store.loadOrCreate();
    Files.setPosixFilePermissions(store.keyFile(), PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(store::loadOrCreate)
        .isInstanceOf(HostKeyException.class)
        .hasMessageContaining(store.keyFile().toString())
        .hasMessageContaining("rw-r--r--")
        .hasMessageContaining("chmod 600");
  }

  @Test
  void refusesAMalformedKey() throws Exception {
    Path key = tmp.resolve("host.key");
    Files.write(key, new byte[] {1, 2, 3});
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));

    assertThatThrownBy(() -> new HostKeyStore(tmp).loadOrCreate())
        .isInstanceOf(HostKeyException.class)
        .hasMessageContaining("malformed")
        .hasMessageContaining("found 3 bytes");
  }
}
