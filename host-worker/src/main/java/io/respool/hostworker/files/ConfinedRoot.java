package io.respool.hostworker.files;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A directory that file operations cannot leave: a task's working directory, or a container's
 * root seen through {@code /proc/<pid>/root}. Every path is resolved by the kernel with
 * {@code openat2(2)} and {@code RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS} against a descriptor of
 * the root held open for the session: {@code ..}, absolute paths and absolute symlinks all resolve
 * as if the root were {@code /}, and {@code /proc/…} magic links (a container's
 * {@code /proc/1/root}) are refused. Resolution in the kernel, in one call, leaves no window between
 * a check and a use: a workload swapping a directory for a symlink mid-operation cannot send the
 * operation outside, which a component-by-component check in Java could not promise.
 *
 * <p>Operations then act on what was resolved through {@code /proc/self/fd/<fd>}: a pinned file,
 * or a pinned parent directory plus one final name looked up with {@code NOFOLLOW_LINKS} (so
 * lstat, unlink, rename, mkdir and readlink act on the name itself, never on a link's target).
 *
 * <p>Paths here are SFTP paths: {@code /}-separated, relative ones taken from the root;
 * {@link #normalize(String)} folds {@code .} and {@code ..} textually (the root is its own parent).
 * Needs Linux ≥ 5.6.
 */
public final class ConfinedRoot implements Closeable {
  private static final long SYS_OPENAT2 = 437; // the same number on x86_64 and aarch64
  private static final int AT_FDCWD = -100;
  private static final long O_DIRECTORY = 0x10000;
  private static final long O_NOFOLLOW = 0x20000;
  private static final long O_CLOEXEC = 0x80000;
  private static final long O_PATH = 0x200000;
  private static final long RESOLVE_NO_MAGICLINKS = 0x02;
  private static final long RESOLVE_IN_ROOT = 0x10;
  private static final int ENOENT = 2;
  private static final int EACCES = 13;
  private static final int EPERM = 1;
  private static final int ENOTDIR = 20;
  private static final int ELOOP = 40;
  private static final int EXDEV = 18;

  private interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    long syscall(long number, Object... args) throws LastErrorException;

    int close(int fd) throws LastErrorException;
  }

  private final int fd;
  private final String description;
  private volatile boolean closed;

  private ConfinedRoot(int fd, String description) {
    this.fd = fd;
    this.description = description;
  }

  /** Opens {@code dir} (following links in it, e.g. {@code /proc/<pid>/root}) as the root. */
  public static ConfinedRoot open(Path dir) throws IOException {
    int fd = openat2(AT_FDCWD, dir.toString(), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
    return new ConfinedRoot(fd, dir.toString());
  }

  /** Folds {@code .}, {@code ..} and repeated slashes of an SFTP path into {@code /a/b} form (never above {@code /}). */
  public static String normalize(String path) {
    return "/" + String.join("/", components(path));
  }

  /** The file or directory at {@code path}, following symlinks (inside the root). Close it after use. */
  public Pinned resolve(String path) throws IOException {
    List<String> parts = components(path);
    return new Pinned(openat2(fd, parts.isEmpty() ? "." : String.join("/", parts), O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS));
  }

  /**
   * The directory holding {@code path} (links before the last name followed, inside the root)
   * and that last name, not followed. The root itself has no parent: {@link AccessDeniedException},
   * as nothing may replace or remove it.
   */
  public Entry entry(String path) throws IOException {
    List<String> parts = components(path);
    if (parts.isEmpty()) throw new AccessDeniedException("/", null, "the root itself cannot be changed");
    String parent = parts.size() == 1 ? "." : String.join("/", parts.subList(0, parts.size() - 1));
    int dir = openat2(fd, parent, O_PATH | O_DIRECTORY | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
    return new Entry(new Pinned(dir), parts.getLast());
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    closeFd(fd);
  }

  @Override
  public String toString() {
    return "ConfinedRoot[" + description + "]";
  }

  /** A file or directory held open by an {@code O_PATH} descriptor; {@link #path()} reaches exactly it. */
  public static final class Pinned implements Closeable {
    private final int fd;
    private boolean closed;

    Pinned(int fd) { this.fd = fd; }

    /** {@code /proc/self/fd/<fd>}: opening or stat-ing it reaches the pinned inode, whatever happened to its name since. */
    public Path path() { return Path.of("/proc/self/fd/" + fd); }

    @Override
    public synchronized void close() {
      if (closed) return;
      closed = true;
      closeFd(fd);
    }
  }

  /** A name in a pinned directory; {@link #path()} is to be used with {@code NOFOLLOW_LINKS}. */
  public record Entry(Pinned dir, String name) implements Closeable {
    public Path path() { return dir.path().resolve(name); }

    @Override
    public void close() { dir.close(); }
  }

  private static List<String> components(String path) {
    if (path.indexOf('\0') >= 0) throw new IllegalArgumentException("a path must not contain NUL");
    List<String> out = new ArrayList<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) continue;
      if (part.equals("..")) {
        if (!out.isEmpty()) out.removeLast();
        continue;
      }
      out.add(part);
    }
    return out;
  }

  private static int openat2(int dirfd, String path, long flags, long resolve) throws IOException {
    try (Memory how = new Memory(24)) { // struct open_how { u64 flags; u64 mode; u64 resolve; }
      how.setLong(0, flags);
      how.setLong(8, 0);
      how.setLong(16, resolve);
      return (int) LibC.INSTANCE.syscall(SYS_OPENAT2, (long) dirfd, path, how, 24L);
    } catch (LastErrorException e) {
      throw switch (e.getErrorCode()) {
        case ENOENT -> new NoSuchFileException(path);
        case ENOTDIR -> new NotDirectoryException(path);
        case EACCES, EPERM -> new AccessDeniedException(path);
        case ELOOP -> new FileSystemException(path, null, "too many levels of symbolic links, or a link that may not be followed");
        case EXDEV -> new AccessDeniedException(path, null, "outside the root");
        default -> new FileSystemException(path, null, "openat2 failed with errno " + e.getErrorCode());
      };
    }
  }

  private static void closeFd(int fd) {
    try {
      LibC.INSTANCE.close(fd);
    } catch (LastErrorException ignored) {
      // EBADF/EINTR on close: nothing to recover
    }
  }
}
