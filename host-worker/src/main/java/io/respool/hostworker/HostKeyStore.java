package io.respool.hostworker;

import io.respool.protocol.crypto.Ed25519;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's identity: a 32-byte ed25519 seed in {@code <home>/host.key}. Created on first run,
 * reused afterwards, so a host keeps its id (and its bookings and reputation) across restarts.
 * The key is never readable by anyone but its owner, not even for an instant.
 */
public final class HostKeyStore {
  private static final Logger log = LoggerFactory.getLogger(HostKeyStore.class);
  public static final String FILE_NAME = "host.key";
  private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

  private final Path home;

  public HostKeyStore(Path home) {
    this.home = home.toAbsolutePath().normalize();
  }

  public Path keyFile() { return home.resolve(FILE_NAME); }

  /** Loads the key, creating home and key on first run; throws {@link HostKeyException} if it is unsafe or malformed. */
  public Ed25519.Keys loadOrCreate() {
    Path file = keyFile();
    try {
      if (!Files.isDirectory(home)) Files.createDirectories(home, PosixFilePermissions.asFileAttribute(OWNER_DIR));
      if (!Files.exists(file)) {
        Ed25519.Keys created = create(file);
        if (created != null) return created;
      }
      return load(file);
    } catch (UnsupportedOperationException e) {
      throw new HostKeyException("the worker home " + home + " must be on a POSIX file system (its key file needs mode 0600)");
    } catch (IOException e) {
      throw new HostKeyException("cannot read or create host key " + file + ": " + e);
    }
  }

  private Ed25519.Keys load(Path file) throws IOException {
    PosixFileAttributes attrs = Files.readAttributes(file, PosixFileAttributes.class);
    if (!attrs.isRegularFile()) throw new HostKeyException("host key " + file + " is not a regular file");
    Set<PosixFilePermission> perms = attrs.permissions();
    if (!OWNER_FILE.containsAll(perms)) {
      throw new HostKeyException("host key " + file + " is accessible by group or others (" + PosixFilePermissions.toString(perms)
          + "); refusing to use it. Fix it with: chmod 600 " + file);
    }
    byte[] seed = Files.readAllBytes(file);
    if (seed.length != 32) {
      throw new HostKeyException("host key " + file + " is malformed: expected a 32-byte ed25519 seed, found "
          + seed.length + " bytes. Restore it from a backup, or delete it to become a new host");
    }
    return Ed25519.fromSeed(seed);
  }

  /**
   * Writes a fresh seed to a temporary file created with mode 0600 (the mode is set by the
   * creating open(2), so there is no window where it is readable by others), then hard-links it
   * into place: link(2) fails if a key appeared meanwhile, so two workers starting at once never
   * overwrite each other's key. Returns null if another process won that race.
   */
  private Ed25519.Keys create(Path file) throws IOException {
    Ed25519.Keys keys = Ed25519.generate();
    Path tmp = Files.createTempFile(home, FILE_NAME + ".", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_FILE));
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(keys.seed()));
        ch.force(true);
      }
      Files.createLink(file, tmp);
      log.info("created host key {} (host id {})", file, keys.publicKeyBase58());
      return keys;
    } catch (FileAlreadyExistsException e) {
      return null;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
