package io.respool.hostworker.sftp;

import static io.respool.hostworker.sftp.SftpServer.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.respool.hostworker.files.ConfinedRoot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SFTP server driven with raw version-3 packets over a temporary directory, and what it must never reach. */
class SftpServerTest {
  @TempDir Path dir;
  Path root;
  Path outside;
  ConfinedRoot confined;
  SftpServer server;
  int ids;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectory(dir.resolve("root"));
    outside = Files.createDirectory(dir.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "host secret");
    confined = ConfinedRoot.open(root);
    server = new SftpServer(confined);
  }

  @AfterEach
  void tearDown() {
    confined.close();
  }

  @Test
  void initAnswersVersion3WithTheOpenSshExtensions() {
    ByteBuffer r = reply(new SftpServer.Reply(INIT).u32(3));
    assertThat(r.get() & 0xFF).isEqualTo(VERSION_REPLY);
    assertThat(r.getInt()).isEqualTo(3);
    List<String> names = new ArrayList<>();
    while (r.hasRemaining()) {
      names.add(string(r));
      string(r);
    }
    assertThat(names).containsExactly("posix-rename@openssh.com", "limits@openssh.com", "fsync@openssh.com");

    ByteBuffer limits = reply(request(EXTENDED).string("limits@openssh.com"));
    assertThat(limits.get() & 0xFF).isEqualTo(EXTENDED_REPLY);
    limits.getInt();
    assertThat(limits.getLong()).isEqualTo(MAX_PACKET);
  }

  @Test
  void writesReadsAndStatsAFile() throws IOException {
    String handle = handle(request(OPEN).string("/a.txt").u32(FXF_WRITE | FXF_CREAT | FXF_TRUNC).u32(ATTR_PERMISSIONS).u32(0640));
    assertStatus(request(WRITE).string(handle).u64(0).string("hello"), OK);
    assertStatus(request(WRITE).string(handle).u64(5).string(" world"), OK);
    assertStatus(request(CLOSE).string(handle), OK);

    assertThat(Files.readString(root.resolve("a.txt"))).isEqualTo("hello world");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("a.txt")))).isEqualTo("rw-r-----");

    String read = handle(request(OPEN).string("a.txt").u32(FXF_READ).u32(0));
    ByteBuffer data = reply(request(READ).string(read).u64(6).u32(100));
    assertThat(data.get() & 0xFF).isEqualTo(DATA);
    data.getInt();
    assertThat(string(data)).isEqualTo("world");
    assertStatus(request(READ).string(read).u64(11).u32(100), EOF);
    ByteBuffer fstat = reply(request(FSTAT).string(read));
    assertThat(fstat.get() & 0xFF).isEqualTo(ATTRS);
    fstat.getInt();
    fstat.getInt(); // flags
    assertThat(fstat.getLong()).isEqualTo(11);
    assertStatus(request(CLOSE).string(read), OK);
    assertStatus(request(CLOSE).string(read), FAILURE); // a closed handle is gone
  }

  @Test
  void listsMakesRenamesAndRemoves() throws IOException {
    assertStatus(request(MKDIR).string("/d").u32(0), OK);
    Files.writeString(root.resolve("d/f1"), "1");
    Files.writeString(root.resolve("d/f2"), "2");
    String dh = handle(request(OPENDIR).string("/d"));
    List<String> names = new ArrayList<>();
    while (true) {
      ByteBuffer r = reply(request(READDIR).string(dh));
      int type = r.get() & 0xFF;
      if (type == STATUS) {
        r.getInt();
        assertThat(r.getInt()).isEqualTo(EOF);
        break;
      }
      r.getInt();
      int count = r.getInt();
      for (int i = 0; i < count; i++) {
        names.add(string(r));
        String longName = string(r);
        assertThat(longName).matches("[-dl][-rwx]{9} .*");
        skipAttrs(r);
      }
    }
    assertStatus(request(CLOSE).string(dh), OK);
    assertThat(names).containsExactlyInAnyOrder(".", "..", "f1", "f2");

    assertStatus(request(RENAME).string("/d/f1").string("/d/f2"), FAILURE); // v3: never over an existing file
    assertStatus(request(EXTENDED).string("posix-rename@openssh.com").string("/d/f1").string("/d/f2"), OK);
    assertThat(Files.readString(root.resolve("d/f2"))).isEqualTo("1");
    assertStatus(request(RENAME).string("/d/f2").string("/d/f3"), OK);
    assertStatus(request(RMDIR).string("/d"), FAILURE); // not empty
    assertStatus(request(REMOVE).string("/d"), FAILURE); // a directory
    assertStatus(request(REMOVE).string("/d/f3"), OK);
    assertStatus(request(REMOVE).string("/d/f3"), NO_SUCH_FILE);
    assertStatus(request(RMDIR).string("/d"), OK);
    assertThat(root.resolve("d")).doesNotExist();
  }

  @Test
  void setsPermissionsTimesAndSize() throws IOException {
    Files.writeString(root.resolve("f"), "0123456789");
    assertStatus(request(SETSTAT).string("f").u32(ATTR_PERMISSIONS | ATTR_ACMODTIME | ATTR_SIZE).u64(4).u32(0600).u32(1_000_000).u32(1_500_000_000), OK);

    assertThat(Files.readString(root.resolve("f"))).isEqualTo("0123");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("f")))).isEqualTo("rw-------");
    assertThat(Files.getLastModifiedTime(root.resolve("f"))).isEqualTo(FileTime.fromMillis(1_500_000_000_000L));
  }

  @Test
  void realpathFoldsDotsAndNeverClimbsAboveTheRoot() {
    ByteBuffer r = reply(request(REALPATH).string("."));
    assertThat(r.get() & 0xFF).isEqualTo(NAME);
    r.getInt();
    assertThat(r.getInt()).isEqualTo(1);
    assertThat(string(r)).isEqualTo("/");
    ByteBuffer up = reply(request(REALPATH).string("a/../../../b/./c"));
    up.get();
    up.getInt();
    up.getInt();
    assertThat(string(up)).isEqualTo("/b/c");
  }

  @Test
  void symlinksResolveInsideTheRoot() throws IOException {
    Files.writeString(root.resolve("inside"), "in");
    assertStatus(request(SYMLINK).string("/inside").string("/abs"), OK); // OpenSSH order: target, then link
    ByteBuffer link = reply(request(READLINK).string("abs"));
    link.get();
    link.getInt();
    link.getInt();
    assertThat(string(link)).isEqualTo("/inside");
    assertThat(readFile("/abs")).isEqualTo("in"); // "/inside" means the root's, not the host's
    ByteBuffer lstat = reply(request(LSTAT).string("/abs"));
    lstat.get();
    lstat.getInt();
    lstat.getInt();
    lstat.getLong();
    lstat.getInt();
    lstat.getInt();
    assertThat(lstat.getInt() & 0170000).isEqualTo(0120000); // the link itself
  }

  @Test
  void nothingOutsideTheRootCanBeReadWrittenOrListed() throws IOException {
    Files.createSymbolicLink(root.resolve("rel"), Path.of("../outside"));
    Files.createSymbolicLink(root.resolve("abs"), outside.toAbsolutePath());
    Files.createSymbolicLink(root.resolve("secret-link"), outside.resolve("secret").toAbsolutePath());

    for (String path : List.of("../outside/secret", "/../outside/secret", "rel/secret", "abs/secret", "secret-link", outside.resolve("secret").toString())) {
      assertStatus(request(OPEN).string(path).u32(FXF_READ).u32(0), NO_SUCH_FILE);
      assertStatus(request(STAT).string(path), NO_SUCH_FILE);
    }
    for (String path : List.of("rel/new", "abs/new", "../outside/new")) {
      assertThat(status(request(OPEN).string(path).u32(FXF_WRITE | FXF_CREAT).u32(0))).isNotEqualTo(OK);
      assertThat(status(request(MKDIR).string(path + "-dir").u32(0))).isNotEqualTo(OK);
    }
    assertThat(status(request(OPEN).string("secret-link").u32(FXF_WRITE | FXF_CREAT | FXF_TRUNC).u32(0))).isNotEqualTo(OK);
    Files.writeString(root.resolve("mine"), "x");
    assertThat(status(request(RENAME).string("mine").string("../outside/stolen"))).isNotEqualTo(OK);
    assertThat(status(request(OPENDIR).string("abs"))).isEqualTo(NO_SUCH_FILE);
    assertThat(status(request(REMOVE).string("/"))).isEqualTo(PERMISSION_DENIED);

    try (var listing = Files.list(outside)) {
      assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("secret");
    }
    assertThat(Files.readString(outside.resolve("secret"))).isEqualTo("host secret");
  }

  @Test
  void malformedAndUnknownRequestsGetTheirStatus() {
    assertStatus(request(OPEN).u32(5), BAD_MESSAGE); // a string length beyond the packet
    assertStatus(request(99), OP_UNSUPPORTED);
    assertStatus(request(READ).string("nope").u64(0).u32(10), FAILURE);
    assertStatus(request(EXTENDED).string("statvfs@openssh.com").string("/"), OP_UNSUPPORTED);
  }

  // --- helpers ---

  private String readFile(String path) {
    String h = handle(request(OPEN).string(path).u32(FXF_READ).u32(0));
    ByteBuffer data = reply(request(READ).string(h).u64(0).u32(1000));
    assertThat(data.get() & 0xFF).isEqualTo(DATA);
    data.getInt();
    String s = string(data);
    assertStatus(request(CLOSE).string(h), OK);
    return s;
  }

  private SftpServer.Reply request(int type) {
    return new SftpServer.Reply(type).u32(++ids);
  }

  /** The server's answer, after its length. */
  private ByteBuffer reply(SftpServer.Reply request) {
    byte[] packet = request.bytes();
    byte[] answer = server.handle(ByteBuffer.wrap(packet, 4, packet.length - 4).slice());
    ByteBuffer r = ByteBuffer.wrap(answer);
    assertThat(r.getInt()).isEqualTo(answer.length - 4);
    return r;
  }

  private String handle(SftpServer.Reply request) {
    ByteBuffer r = reply(request);
    int type = r.get() & 0xFF;
    r.getInt();
    if (type != HANDLE) throw new AssertionError("expected a handle, got status " + r.getInt() + ": " + string(r));
    return string(r);
  }

  private int status(SftpServer.Reply request) {
    ByteBuffer r = reply(request);
    int type = r.get() & 0xFF;
    if (type != STATUS) return type == HANDLE ? OK : -type;
    r.getInt();
    return r.getInt();
  }

  private void assertStatus(SftpServer.Reply request, int code) {
    assertThat(status(request)).isEqualTo(code);
  }

  private static String string(ByteBuffer r) {
    byte[] b = new byte[r.getInt()];
    r.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static void skipAttrs(ByteBuffer r) {
    int flags = r.getInt();
    if ((flags & ATTR_SIZE) != 0) r.getLong();
    if ((flags & ATTR_UIDGID) != 0) r.getLong();
    if ((flags & ATTR_PERMISSIONS) != 0) r.getInt();
    if ((flags & ATTR_ACMODTIME) != 0) r.getLong();
  }
}
