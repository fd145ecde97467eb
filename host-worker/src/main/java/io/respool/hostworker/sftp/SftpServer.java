package io.respool.hostworker.sftp;

import io.respool.hostworker.files.ConfinedRoot;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An SFTP server, protocol version 3 (draft-ietf-secsh-filexfer-02) as OpenSSH's {@code sftp} and
 * {@code scp} (SFTP mode, the default since OpenSSH 9.0) speak it, over the files of a
 * {@link ConfinedRoot}: nothing needs to be installed in the workload, and no path, {@code ..} or
 * symlink reaches outside the root. One instance serves one session, reading requests from a
 * stream and writing replies to another, in order; it blocks, so it runs on its own thread.
 *
 * <p>Requests: INIT, REALPATH, STAT, LSTAT, FSTAT, OPEN, READ, WRITE, CLOSE, OPENDIR, READDIR,
 * SETSTAT, FSETSTAT, MKDIR, RMDIR, REMOVE, RENAME, READLINK, SYMLINK, and the extensions
 * {@code posix-rename@openssh.com}, {@code limits@openssh.com}, {@code fsync@openssh.com}. Failures
 * are STATUS replies with the matching {@code SSH_FX_*} code; a malformed packet is answered
 * BAD_MESSAGE, a packet over the size limit ends the session.
 */
public final class SftpServer {
  static final int VERSION = 3;
  /** Largest request accepted (and announced in limits@openssh.com). */
  static final int MAX_PACKET = 256 * 1024;
  static final int MAX_READ = MAX_PACKET - 1024;
  static final int MAX_HANDLES = 256;
  private static final int READDIR_BATCH = 100;

  // packet types
  static final int INIT = 1, VERSION_REPLY = 2, OPEN = 3, CLOSE = 4, READ = 5, WRITE = 6, LSTAT = 7, FSTAT = 8, SETSTAT = 9,
      FSETSTAT = 10, OPENDIR = 11, READDIR = 12, REMOVE = 13, MKDIR = 14, RMDIR = 15, REALPATH = 16, STAT = 17, RENAME = 18,
      READLINK = 19, SYMLINK = 20, STATUS = 101, HANDLE = 102, DATA = 103, NAME = 104, ATTRS = 105, EXTENDED = 200,
      EXTENDED_REPLY = 201;
  // status codes
  static final int OK = 0, EOF = 1, NO_SUCH_FILE = 2, PERMISSION_DENIED = 3, FAILURE = 4, BAD_MESSAGE = 5, OP_UNSUPPORTED = 8;
  // attribute flags
  static final int ATTR_SIZE = 1, ATTR_UIDGID = 2, ATTR_PERMISSIONS = 4, ATTR_ACMODTIME = 8, ATTR_EXTENDED = 0x80000000;
  // open flags
  static final int FXF_READ = 1, FXF_WRITE = 2, FXF_APPEND = 4, FXF_CREAT = 8, FXF_TRUNC = 0x10, FXF_EXCL = 0x20;

  private static final DateTimeFormatter RECENT = DateTimeFormatter.ofPattern("MMM dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter OLD = DateTimeFormatter.ofPattern("MMM dd  yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final String UNIX_ATTRS = "unix:mode,uid,gid,size,nlink,lastAccessTime,lastModifiedTime";

  private final ConfinedRoot root;
  private final Map<String, Handle> handles = new HashMap<>();
  private long nextHandle;

  public SftpServer(ConfinedRoot root) {
    this.root = root;
  }

  /**
   * Serves requests from {@code in} until it ends, writing replies to {@code out}; closes every
   * handle left open. Throws on a broken or oversized stream.
   */
  public void serve(InputStream in, OutputStream out) throws IOException {
    DataInputStream data = new DataInputStream(in);
    try {
      while (true) {
        int length;
        try {
          length = data.readInt();
        } catch (EOFException e) {
          return; // the client ended the session
        }
        if (length < 1 || length > MAX_PACKET + 1024) throw new IOException("SFTP packet of " + length + " bytes is beyond the limit of " + MAX_PACKET);
        byte[] packet = new byte[length];
        data.readFully(packet);
        byte[] reply = handle(ByteBuffer.wrap(packet));
        if (reply != null) out.write(reply);
        if (in.available() == 0) out.flush(); // batch the replies of pipelined requests, never hold one back
      }
    } finally {
      out.flush();
      for (Handle h : handles.values()) h.close();
      handles.clear();
    }
  }

  /** Answers one request packet (type byte first); null for none. Visible for the packet-level tests. */
  byte[] handle(ByteBuffer p) {
    int type = p.get() & 0xFF;
    if (type == INIT) return version();
    int id;
    try {
      id = p.getInt();
    } catch (BufferUnderflowException e) {
      return null; // not even an id to answer
    }
    try {
      return switch (type) {
        case REALPATH -> realpath(id, string(p));
        case STAT -> attrsReply(id, stat(string(p)));
        case LSTAT -> attrsReply(id, lstat(string(p)));
        case FSTAT -> attrsReply(id, attributes(file(p).pinned.path(), true));
        case OPEN -> open(id, string(p), p.getInt(), attrs(p));
        case CLOSE -> close(id, handleId(p));
        case READ -> read(id, file(p), p.getLong(), p.getInt());
        case WRITE -> write(id, file(p), p.getLong(), bytes(p));
        case OPENDIR -> opendir(id, string(p));
        case READDIR -> readdir(id, dir(p));
        case SETSTAT -> setstat(id, string(p), attrs(p));
        case FSETSTAT -> { FileHandle f = file(p); yield apply(id, f.pinned.path(), attrs(p)); }
        case MKDIR -> mkdir(id, string(p), attrs(p));
        case RMDIR -> rmdir(id, string(p));
        case REMOVE -> remove(id, string(p));
        case RENAME -> rename(id, string(p), string(p), false);
        case READLINK -> readlink(id, string(p));
        case SYMLINK -> symlink(id, string(p), string(p));
        case EXTENDED -> extended(id, string(p), p);
        default -> status(id, OP_UNSUPPORTED, "request type " + type + " is not supported");
      };
    } catch (BadHandle e) {
      return status(id, FAILURE, e.getMessage());
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      return status(id, BAD_MESSAGE, "malformed request");
    } catch (IOException e) {
      return failure(id, e);
    }
  }

  // --- requests -----------------------------------------------------------------------------------

  private byte[] version() {
    Reply r = new Reply(VERSION_REPLY).u32(VERSION);
    r.string("posix-rename@openssh.com").string("1");
    r.string("limits@openssh.com").string("1");
    r.string("fsync@openssh.com").string("1");
    return r.bytes();
  }

  private byte[] realpath(int id, String path) {
    String normal = ConfinedRoot.normalize(path);
    return new Reply(NAME).u32(id).u32(1).string(normal).string(normal).u32(0).bytes();
  }

  private Attrs stat(String path) throws IOException {
    try (ConfinedRoot.Pinned f = root.resolve(path)) {
      return attributes(f.path(), true);
    }
  }

  private Attrs lstat(String path) throws IOException {
    if (ConfinedRoot.normalize(path).equals("/")) return stat(path);
    try (ConfinedRoot.Entry e = root.entry(path)) {
      return attributes(e.path(), false);
    }
  }

  private byte[] open(int id, String path, int flags, Attrs attrs) throws IOException {
    if (handles.size() >= MAX_HANDLES) return status(id, FAILURE, "too many open handles (" + MAX_HANDLES + ")");
    Set<OpenOption> options = new java.util.HashSet<>();
    if ((flags & FXF_READ) != 0) options.add(StandardOpenOption.READ);
    if ((flags & (FXF_WRITE | FXF_APPEND)) != 0) options.add(StandardOpenOption.WRITE);
    if ((flags & FXF_APPEND) != 0) options.add(StandardOpenOption.APPEND);
    if ((flags & FXF_TRUNC) != 0) options.add(StandardOpenOption.TRUNCATE_EXISTING);
    if (options.isEmpty()) options.add(StandardOpenOption.READ);
    boolean create = (flags & FXF_CREAT) != 0;
    boolean exclusive = create && (flags & FXF_EXCL) != 0;
    FileChannel channel = null;
    if (!exclusive) {
      try (ConfinedRoot.Pinned existing = root.resolve(path)) {
        if (Files.isDirectory(existing.path())) return status(id, FAILURE, path + " is a directory");
        channel = FileChannel.open(existing.path(), options);
      } catch (NoSuchFileException e) {
        if (!create) throw e;
      }
    }
    if (channel == null) {
      // a new file: created by name in its pinned directory, never through a symlink
      try (ConfinedRoot.Entry e = root.entry(path)) {
        options.add(exclusive ? StandardOpenOption.CREATE_NEW : StandardOpenOption.CREATE);
        options.add(LinkOption.NOFOLLOW_LINKS);
        options.add(StandardOpenOption.WRITE);
        FileAttribute<?>[] perms = attrs.permissions == null ? new FileAttribute<?>[0]
            : new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions(attrs.permissions))};
        channel = FileChannel.open(e.path(), options, perms);
      }
    }
    ConfinedRoot.Pinned pinned;
    try {
      pinned = root.resolve(path);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    return handleReply(id, new FileHandle(channel, pinned, (flags & FXF_APPEND) != 0));
  }

  private byte[] close(int id, String handle) throws IOException {
    Handle h = handles.remove(handle);
    if (h == null) throw new BadHandle(handle);
    h.close();
    return status(id, OK, "");
  }

  private byte[] read(int id, FileHandle f, long offset, int length) throws IOException {
    if (offset < 0 || length < 0) return status(id, BAD_MESSAGE, "negative offset or length");
    ByteBuffer buf = ByteBuffer.allocate(Math.min(length, MAX_READ));
    while (buf.hasRemaining()) {
      int n = f.channel.read(buf, offset + buf.position());
      if (n < 0) break;
    }
    if (buf.position() == 0 && length > 0) return status(id, EOF, "end of file");
    return new Reply(DATA).u32(id).bytes(buf.array(), 0, buf.position()).bytes();
  }

  private byte[] write(int id, FileHandle f, long offset, byte[] bytes) throws IOException {
    if (offset < 0) return status(id, BAD_MESSAGE, "negative offset");
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    if (f.append) {
      while (buf.hasRemaining()) f.channel.write(buf);
    } else {
      while (buf.hasRemaining()) f.channel.write(buf, offset + buf.position());
    }
    return status(id, OK, "");
  }

  private byte[] opendir(int id, String path) throws IOException {
    if (handles.size() >= MAX_HANDLES) return status(id, FAILURE, "too many open handles (" + MAX_HANDLES + ")");
    ConfinedRoot.Pinned dir = root.resolve(path);
    List<String> names = new ArrayList<>(List.of(".", ".."));
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir.path())) {
      for (Path e : entries) names.add(e.getFileName().toString());
    } catch (IOException | RuntimeException e) {
      dir.close();
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
    return handleReply(id, new DirHandle(dir, names.iterator()));
  }

  private byte[] readdir(int id, DirHandle d) throws IOException {
    List<String> names = new ArrayList<>();
    List<Attrs> attrs = new ArrayList<>();
    while (d.names.hasNext() && names.size() < READDIR_BATCH) {
      String name = d.names.next();
      try {
        attrs.add(attributes(d.dir.path().resolve(name), false));
        names.add(name);
      } catch (NoSuchFileException e) {
        // removed since the listing
      }
    }
    if (names.isEmpty()) return status(id, EOF, "no more entries");
    Reply r = new Reply(NAME).u32(id).u32(names.size());
    for (int i = 0; i < names.size(); i++) r.string(names.get(i)).string(longName(names.get(i), attrs.get(i))).attrs(attrs.get(i));
    return r.bytes();
  }

  private byte[] setstat(int id, String path, Attrs attrs) throws IOException {
    try (ConfinedRoot.Pinned f = root.resolve(path)) {
      return apply(id, f.path(), attrs);
    }
  }

  private byte[] apply(int id, Path path, Attrs attrs) throws IOException {
    if (attrs.size != null) {
      try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
        if (attrs.size < ch.size()) ch.truncate(attrs.size);
        else if (attrs.size > ch.size()) ch.write(ByteBuffer.allocate(1), attrs.size - 1); // extend with a hole
      }
    }
    if (attrs.uid != null) {
      Files.setAttribute(path, "unix:uid", attrs.uid);
      Files.setAttribute(path, "unix:gid", attrs.gid);
    }
    if (attrs.permissions != null) Files.setPosixFilePermissions(path, permissions(attrs.permissions));
    if (attrs.mtime != null) {
      Files.getFileAttributeView(path, BasicFileAttributeView.class)
          .setTimes(FileTime.from(Instant.ofEpochSecond(attrs.mtime)), FileTime.from(Instant.ofEpochSecond(attrs.atime)), null);
    }
    return status(id, OK, "");
  }

  private byte[] mkdir(int id, String path, Attrs attrs) throws IOException {
    try (ConfinedRoot.Entry e = root.entry(path)) {
      if (attrs.permissions == null) Files.createDirectory(e.path());
      else Files.createDirectory(e.path(), PosixFilePermissions.asFileAttribute(permissions(attrs.permissions)));
    }
    return status(id, OK, "");
  }

  private byte[] rmdir(int id, String path) throws IOException {
    try (ConfinedRoot.Entry e = root.entry(path)) {
      if (!Files.isDirectory(e.path(), LinkOption.NOFOLLOW_LINKS)) {
        if (!Files.exists(e.path(), LinkOption.NOFOLLOW_LINKS)) throw new NoSuchFileException(path);
        return status(id, FAILURE, path + " is not a directory");
      }
      Files.delete(e.path());
    }
    return status(id, OK, "");
  }

  private byte[] remove(int id, String path) throws IOException {
    try (ConfinedRoot.Entry e = root.entry(path)) {
      if (Files.isDirectory(e.path(), LinkOption.NOFOLLOW_LINKS)) return status(id, FAILURE, path + " is a directory");
      Files.delete(e.path());
    }
    return status(id, OK, "");
  }

  /** SFTP v3 RENAME refuses an existing target; posix-rename@openssh.com replaces it atomically. */
  private byte[] rename(int id, String from, String to, boolean replace) throws IOException {
    try (ConfinedRoot.Entry source = root.entry(from); ConfinedRoot.Entry target = root.entry(to)) {
      if (!Files.exists(source.path(), LinkOption.NOFOLLOW_LINKS)) throw new NoSuchFileException(from);
      if (!replace && Files.exists(target.path(), LinkOption.NOFOLLOW_LINKS)) return status(id, FAILURE, to + " already exists");
      // rename(2) only: a move across file systems would be a copy, which SFTP clients do not expect
      Files.move(source.path(), target.path(), StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      return status(id, FAILURE, "cannot rename across file systems");
    }
    return status(id, OK, "");
  }

  private byte[] readlink(int id, String path) throws IOException {
    try (ConfinedRoot.Entry e = root.entry(path)) {
      if (!Files.isSymbolicLink(e.path())) {
        if (!Files.exists(e.path(), LinkOption.NOFOLLOW_LINKS)) throw new NoSuchFileException(path);
        return status(id, FAILURE, path + " is not a symbolic link");
      }
      String target = Files.readSymbolicLink(e.path()).toString();
      return new Reply(NAME).u32(id).u32(1).string(target).string(target).u32(0).bytes();
    }
  }

  /** OpenSSH sends the link's target first, then the link's path (the reverse of the draft). */
  private byte[] symlink(int id, String target, String link) throws IOException {
    try (ConfinedRoot.Entry e = root.entry(link)) {
      // the target is stored as given; resolving it later is confined like any path
      Files.createSymbolicLink(e.path(), Path.of(target));
    }
    return status(id, OK, "");
  }

  private byte[] extended(int id, String name, ByteBuffer p) throws IOException {
    return switch (name) {
      case "posix-rename@openssh.com" -> rename(id, string(p), string(p), true);
      case "limits@openssh.com" -> new Reply(EXTENDED_REPLY).u32(id)
          .u64(MAX_PACKET).u64(MAX_READ).u64(MAX_READ).u64(MAX_HANDLES).bytes();
      case "fsync@openssh.com" -> {
        file(p).channel.force(true);
        yield status(id, OK, "");
      }
      default -> status(id, OP_UNSUPPORTED, "extension " + name + " is not supported");
    };
  }

  // --- handles ------------------------------------------------------------------------------------

  private byte[] handleReply(int id, Handle h) {
    String key = Long.toString(++nextHandle);
    handles.put(key, h);
    return new Reply(HANDLE).u32(id).string(key).bytes();
  }

  private String handleId(ByteBuffer p) {
    return string(p);
  }

  private FileHandle file(ByteBuffer p) {
    String key = string(p);
    if (handles.get(key) instanceof FileHandle f) return f;
    throw new BadHandle(key);
  }

  private DirHandle dir(ByteBuffer p) {
    String key = string(p);
    if (handles.get(key) instanceof DirHandle d) return d;
    throw new BadHandle(key);
  }

  private sealed interface Handle permits FileHandle, DirHandle {
    void close();
  }

  private record FileHandle(FileChannel channel, ConfinedRoot.Pinned pinned, boolean append) implements Handle {
    @Override
    public void close() {
      pinned.close();
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing left to flush: writes went straight to the file
      }
    }
  }

  private record DirHandle(ConfinedRoot.Pinned dir, Iterator<String> names) implements Handle {
    @Override
    public void close() { dir.close(); }
  }

  private static final class BadHandle extends IllegalStateException {
    BadHandle(String handle) { super("no such handle " + handle, null); }
  }

  // --- attributes ---------------------------------------------------------------------------------

  /** SFTP v3 attributes; null fields were not sent. */
  record Attrs(Long size, Integer uid, Integer gid, Integer permissions, Long atime, Long mtime) {}

  private static Attrs attributes(Path path, boolean follow) throws IOException {
    Map<String, Object> a = follow ? Files.readAttributes(path, UNIX_ATTRS) : Files.readAttributes(path, UNIX_ATTRS, LinkOption.NOFOLLOW_LINKS);
    return new Attrs((Long) a.get("size"), (Integer) a.get("uid"), (Integer) a.get("gid"), (Integer) a.get("mode"),
        ((FileTime) a.get("lastAccessTime")).toInstant().getEpochSecond(), ((FileTime) a.get("lastModifiedTime")).toInstant().getEpochSecond());
  }

  private static Attrs attrs(ByteBuffer p) {
    int flags = p.getInt();
    Long size = (flags & ATTR_SIZE) != 0 ? p.getLong() : null;
    Integer uid = null;
    Integer gid = null;
    if ((flags & ATTR_UIDGID) != 0) {
      uid = p.getInt();
      gid = p.getInt();
    }
    Integer perms = (flags & ATTR_PERMISSIONS) != 0 ? p.getInt() : null;
    Long atime = null;
    Long mtime = null;
    if ((flags & ATTR_ACMODTIME) != 0) {
      atime = p.getInt() & 0xFFFF_FFFFL;
      mtime = p.getInt() & 0xFFFF_FFFFL;
    }
    if ((flags & ATTR_EXTENDED) != 0) {
      int count = p.getInt();
      for (int i = 0; i < count; i++) {
        string(p);
        string(p);
      }
    }
    if (size != null && size < 0) throw new IllegalArgumentException("negative size");
    return new Attrs(size, uid, gid, perms, atime, mtime);
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int bit = 0; bit < order.length; bit++) if ((mode & (1 << bit)) != 0) perms.add(order[bit]);
    return perms;
  }

  /** An {@code ls -l} line, as OpenSSH's sftp-server writes it (the v3 client shows it for {@code ls -l}). */
  private static String longName(String name, Attrs a) {
    int mode = a.permissions();
    char type = switch (mode & 0170000) {
      case 0040000 -> 'd';
      case 0120000 -> 'l';
      case 0020000 -> 'c';
      case 0060000 -> 'b';
      case 0010000 -> 'p';
      case 0140000 -> 's';
      default -> '-';
    };
    StringBuilder s = new StringBuilder().append(type);
    String rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) s.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
    Instant mtime = Instant.ofEpochSecond(a.mtime());
    boolean recent = mtime.isAfter(Instant.now().minusSeconds(182L * 86400)) && !mtime.isAfter(Instant.now().plusSeconds(86400));
    return String.format(Locale.ROOT, "%s %3d %-8d %-8d %8d %s %s", s, 1, a.uid(), a.gid(), a.size(), (recent ? RECENT : OLD).format(mtime), name);
  }

  // --- encoding -----------------------------------------------------------------------------------

  private static String string(ByteBuffer p) {
    return new String(bytes(p), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(ByteBuffer p) {
    int n = p.getInt();
    if (n < 0 || n > p.remaining()) throw new BufferUnderflowException();
    byte[] b = new byte[n];
    p.get(b);
    return b;
  }

  private byte[] attrsReply(int id, Attrs a) {
    return new Reply(ATTRS).u32(id).attrs(a).bytes();
  }

  static byte[] status(int id, int code, String message) {
    return new Reply(STATUS).u32(id).u32(code).string(message).string("en").bytes();
  }

  private static byte[] failure(int id, IOException e) {
    int code = switch (e) {
      case NoSuchFileException x -> NO_SUCH_FILE;
      case NotDirectoryException x -> NO_SUCH_FILE;
      case AccessDeniedException x -> PERMISSION_DENIED;
      case FileAlreadyExistsException x -> FAILURE;
      case DirectoryNotEmptyException x -> FAILURE;
      default -> FAILURE;
    };
    String message = switch (e) {
      case NoSuchFileException x -> "no such file";
      case NotDirectoryException x -> "no such file";
      case AccessDeniedException x -> "permission denied" + (x.getReason() == null ? "" : ": " + x.getReason());
      case FileAlreadyExistsException x -> "already exists";
      case DirectoryNotEmptyException x -> "directory not empty";
      case java.nio.file.FileSystemException x -> x.getReason() == null ? "failure" : x.getReason();
      default -> e.getMessage() == null ? "failure" : e.getMessage();
    };
    return status(id, code, message);
  }

  /** A reply packet being built: length prefix filled in by {@link #bytes()}. */
  static final class Reply {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Reply(int type) {
      u32(0);
      out.write(type);
    }

    Reply u32(long v) {
      out.write((int) (v >>> 24));
      out.write((int) (v >>> 16));
      out.write((int) (v >>> 8));
      out.write((int) v);
      return this;
    }

    Reply u64(long v) {
      return u32(v >>> 32).u32(v & 0xFFFF_FFFFL);
    }

    Reply string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      return bytes(b, 0, b.length);
    }

    Reply bytes(byte[] b, int off, int len) {
      u32(len);
      out.write(b, off, len);
      return this;
    }

    Reply attrs(Attrs a) {
      u32(ATTR_SIZE | ATTR_UIDGID | ATTR_PERMISSIONS | ATTR_ACMODTIME);
      u64(a.size());
      u32(a.uid());
      u32(a.gid());
      u32(a.permissions());
      u32(a.atime());
      u32(a.mtime());
      return this;
    }

    byte[] bytes() {
      byte[] b = out.toByteArray();
      ByteBuffer.wrap(b).putInt(b.length - 4);
      return b;
    }
  }
}
