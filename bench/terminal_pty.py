#!/usr/bin/env python3
"""Times a terminal client run as a process (the real `ssh`, or `docker exec`), for bench/terminal.sh.

  terminal_pty.py echo N -- CMD...    keystroke echo in a TTY: CMD runs `cat` on a remote terminal;
                                      one key at a time, timed until the terminal echoes it
  terminal_pty.py exec N -- CMD...    N runs of CMD (which runs `true`), each timed to its exit
  terminal_pty.py bytes SIZE -- CMD...  CMD writes SIZE bytes to stdout; MB/s until its exit, every byte counted

Prints `p50_ms=… p99_ms=…` or `mb_s=…`. Standard library only.
"""
import os
import pty
import select
import subprocess
import sys
import time


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, -(-len(s) * p // 100) - 1))]


def read_until(fd, wanted, deadline):
    buf = b""
    while wanted not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            raise SystemExit("no echo of %r within the deadline; got %r" % (wanted, buf[-200:]))
        r, _, _ = select.select([fd], [], [], left)
        if r:
            chunk = os.read(fd, 4096)
            if not chunk:
                raise SystemExit("the terminal closed; got %r" % buf[-200:])
            buf += chunk
    return buf


def echo(n, cmd):
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    try:
        marker = b"ready-%d" % os.getpid()
        os.write(fd, marker + b"\n")
        read_until(fd, marker + b"\r\n" + marker, time.monotonic() + 30)  # the echo, then cat's copy
        times = []
        for i in range(n + 20):
            key = bytes([ord("a") + i % 26])
            t0 = time.perf_counter()
            os.write(fd, key)
            read_until(fd, key, time.monotonic() + 10)
            times.append((time.perf_counter() - t0) * 1000)
        os.write(fd, b"\n\x04")
        times = times[20:]
        print("p50_ms=%.2f p99_ms=%.2f" % (percentile(times, 50), percentile(times, 99)))
    finally:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)


def exec_(n, cmd):
    times = []
    for i in range(n + 5):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
        if r.returncode != 0:
            raise SystemExit("%s exited %d: %s" % (" ".join(cmd), r.returncode, r.stderr.decode(errors="replace")))
        times.append((time.perf_counter() - t0) * 1000)
    times = times[5:]
    print("p50_ms=%.2f p99_ms=%.2f" % (percentile(times, 50), percentile(times, 99)))


def bytes_(size, cmd):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, bufsize=0)
    got = 0
    while True:
        chunk = p.stdout.read(1 << 20)
        if not chunk:
            break
        got += len(chunk)
    p.wait(timeout=300)
    s = time.perf_counter() - t0
    if got != size or p.returncode != 0:
        raise SystemExit("got %d of %d bytes, exit %s" % (got, size, p.returncode))
    print("mb_s=%.1f" % (size / 1e6 / s))


if __name__ == "__main__":
    mode, arg, sep, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
    assert sep == "--"
    {"echo": echo, "exec": exec_, "bytes": bytes_}[mode](arg, cmd)
