#!/usr/bin/env python3
"""Client-side helpers for tests/limits/limits_test.sh, on loopback only. Each mode prints
one result line and exits non-zero (with the reason on stderr) if the server misbehaved.

  clients.py hold PORT N [PID]      open N idle connections and hold them: the server must
                                    count all N, refuse connection N+1 with 503 and accept
                                    again once some close; every held connection still works
  clients.py trickle PORT TIMEOUT   send a header block one byte every 100 ms: the server
                                    must answer 408 and close within TIMEOUT + 1.5 s
  clients.py slowread PORT N SECS   N clients GET / and read their answers slowly (16 KiB
                                    every 50 ms) for SECS seconds
"""
import random
import resource
import socket
import sys
import time

HOST = "127.0.0.1"


def die(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


def request(sock, target, close=False):
    close_line = "Connection: close\r\n" if close else ""
    sock.sendall(f"GET {target} HTTP/1.1\r\nHost: limits\r\n{close_line}\r\n".encode())


def read_response(sock):
    """One response with a Content-Length: (status, body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        d = sock.recv(65536)
        if not d:
            return None, data
        data += d
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        d = sock.recv(65536)
        if not d:
            break
        body += d
    return int(head.split(b" ")[1]), body


def gauge(sock, name):
    request(sock, "/metrics")
    status, body = read_response(sock)
    if status != 200:
        die(f"/metrics answered {status}")
    for line in body.decode().splitlines():
        if line.startswith(name + " "):
            return int(float(line.split()[1]))
    die(f"no {name} in /metrics")


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return -1


def hold(port, n, pid=None):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    t0 = time.monotonic()
    socks = [socket.create_connection((HOST, port), timeout=10) for _ in range(n)]
    opened = time.monotonic() - t0
    # The server counts them all (asked on one of them: a new one would be over the cap).
    deadline = time.monotonic() + 10
    while (open_now := gauge(socks[-1], "conv_http_connections_open")) != n:
        if time.monotonic() > deadline:
            die(f"server counts {open_now} open connections, expected {n}")
        time.sleep(0.1)
    rss = f", server RSS {rss_mib(pid)} MiB" if pid else ""
    # One more is refused politely: a 503 with the JSON error, then closed.
    extra = socket.create_connection((HOST, port), timeout=10)
    status, body = read_response(extra)
    if status != 503 or b'"error"' not in body:
        die(f"connection {n + 1}: {status} {body[:200]!r}")
    extra.close()
    # Every held connection is still alive and serves (a random sample of 500).
    for s in random.sample(socks[:-1], 500):
        request(s, "/healthz")
        status, _ = read_response(s)
        if status != 200:
            die(f"a held connection answered {status}")
    # Recovery: close 100, and new connections are served again.
    for s in socks[:100]:
        s.close()
    deadline = time.monotonic() + 10
    while True:
        c = socket.create_connection((HOST, port), timeout=10)
        request(c, "/healthz", close=True)
        status, _ = read_response(c)
        c.close()
        if status == 200:
            break
        if time.monotonic() > deadline:
            die(f"after closing 100 connections, a new one still gets {status}")
        time.sleep(0.1)
    print(f"held {n} connections (opened in {opened:.1f} s, fd limit {soft}->{hard}{rss}); "
          f"connection {n + 1} got 503; 500 held ones served 200; recovered after 100 closed")


def trickle(port, timeout):
    s = socket.create_connection((HOST, port), timeout=timeout + 5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.setblocking(False)
    block = b"GET /healthz HTTP/1.1\r\nHost: limits\r\nX-Slow: " + b"a" * 1000
    t0 = time.monotonic()
    got = b""
    for b in block:
        try:
            s.send(bytes([b]))
        except OSError:
            break
        time.sleep(0.1)
        try:
            d = s.recv(65536)
            if not d:
                break
            got += d
        except BlockingIOError:
            pass
        if time.monotonic() - t0 > timeout + 1.5:
            die(f"still connected after {time.monotonic() - t0:.1f} s (header timeout {timeout} s)")
    s.setblocking(True)
    try:
        while d := s.recv(65536):
            got += d
    except OSError:
        pass
    elapsed = time.monotonic() - t0
    if not got.startswith(b"HTTP/1.1 408"):
        die(f"trickle: got {got[:100]!r}")
    if elapsed > timeout + 1.5:
        die(f"trickle: cut off after {elapsed:.1f} s (header timeout {timeout} s)")
    print(f"trickled header cut off with 408 after {elapsed:.2f} s (header timeout {timeout} s)")


def slowread(port, n, secs):
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
        s.connect((HOST, port))
        request(s, "/big")
        socks.append(s)
    got = [0] * n
    end = time.monotonic() + secs
    while time.monotonic() < end:
        for i, s in enumerate(socks):
            got[i] += len(s.recv(16384))
        time.sleep(0.05)
    if min(got) == 0:
        die("a slow reader got nothing")
    print(f"{n} slow readers read {sum(got) >> 20} MiB in {secs} s")
    for s in socks:
        s.close()


if __name__ == "__main__":
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "hold":
        hold(port, int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None)
    elif mode == "trickle":
        trickle(port, float(sys.argv[3]))
    elif mode == "slowread":
        slowread(port, int(sys.argv[3]), float(sys.argv[4]))
    else:
        die(f"unknown mode {mode}")
