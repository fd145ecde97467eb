package io.respool.hostworker.task;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory pipe between two threads: bytes written to {@link #sink()} are read from
 * {@link #source()}. Unlike {@code PipedInputStream} it does not break when the writing thread
 * ends (docker-java's stream threads come and go). Bounded, so a slow reader slows the writer;
 * once the reader closes, writes are dropped instead of blocking forever.
 */
public final class BytePipe {
  private static final byte[] EOF = new byte[0];
  /** Few chunks: the reader is paced by flow control, so a deep queue would only hold memory (16 × a 16 KiB read). */
  private static final int CAPACITY_CHUNKS = 16;

  private final BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>(CAPACITY_CHUNKS);
  private volatile boolean writerClosed;
  private volatile boolean readerClosed;

  private final OutputStream sink = new OutputStream() {
    @Override
    public void write(int b) throws IOException { write(new byte[] {(byte) b}, 0, 1); }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (writerClosed) throw new IOException("pipe closed");
      if (len > 0) put(Arrays.copyOfRange(b, off, off + len));
    }

    @Override
    public void close() throws IOException {
      if (!writerClosed) {
        writerClosed = true;
        put(EOF);
      }
    }
  };

  private final InputStream source = new InputStream() {
    private byte[] current;
    private int pos;
    private boolean eof;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) return 0;
      while (!eof && (current == null || pos == current.length)) {
        if (readerClosed) throw new IOException("pipe closed");
        try {
          current = chunks.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while reading");
        }
        pos = 0;
        if (current == EOF) eof = true;
      }
      if (eof) return -1;
      int n = Math.min(len, current.length - pos);
      System.arraycopy(current, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public int available() { return current == null || current == EOF ? 0 : current.length - pos; }

    @Override
    public void close() {
      readerClosed = true;
      chunks.clear();
    }
  };

  public OutputStream sink() { return sink; }

  public InputStream source() { return source; }

  private void put(byte[] chunk) throws InterruptedIOException {
    try {
      while (!readerClosed) {
        if (chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing");
    }
  }
}
