#!/usr/bin/env python3
"""Hostile peers for tests/limits/edge_memory_test.sh, each streaming up to 48 MiB of what a
parser would wait on (a chunk-size line that never ends, trailers that never end, a chunk
size of endless zeros), while the target's RSS is sampled. Prints one line:
"<status or none> <peak RSS growth in KiB> <MiB sent>".

  edge_memory.py client PORT PID ATTACK   a client sending ATTACK to the server on PORT
  edge_memory.py upstream PORT_FILE       an upstream answering every request with a chunk
                                          extension that never ends (prints nothing)
Every loop is bounded: 48 MiB at most, 30 s at most.
"""
import socket
import sys
import time

TOTAL = 48 * 1024 * 1024
PIECE = 64 * 1024
DEADLINE = 30.0

HEAD = b"POST /convertepradolareuro/1.0 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
ATTACKS = {
    "extension": (HEAD + b"5;", b"x"),  # "5;xxxx...": the line never ends
    "trailer": (HEAD + b"0\r\nX-T: ", b"t"),  # the trailer section never ends
    "zeros": (HEAD, b"0"),  # "0000...": the chunk size never ends
    "header": (b"GET / HTTP/1.1\r\nHost: t\r\nX-H: ", b"h"),  # the header block never ends
}


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def status_of(sock):
    """The status code of what the server answered, if it answered."""
    sock.settimeout(5)
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    parts = data.split(b" ", 2)
    return parts[1].decode() if len(parts) > 1 and data.startswith(b"HTTP/") else "none"


def client(port, pid, attack):
    start, filler = ATTACKS[attack]
    piece = filler * PIECE
    before = peak = rss_kib(pid)
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(start)
    sent, began = 0, time.monotonic()
    sock.settimeout(1)
    try:
        while sent < TOTAL and time.monotonic() - began < DEADLINE:
            sock.sendall(piece)
            sent += PIECE
            if sent % (1024 * 1024) == 0:
                peak = max(peak, rss_kib(pid))
    except OSError:
        pass  # the server answered and closed: what a bounded server does
    peak = max(peak, rss_kib(pid))
    print(status_of(sock), peak - before, sent // (1024 * 1024))


def upstream(port_file):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    with open(port_file, "w") as f:
        f.write(str(listener.getsockname()[1]))
    listener.settimeout(DEADLINE)
    began = time.monotonic()
    while time.monotonic() - began < 2 * DEADLINE:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        conn.settimeout(1)
        try:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;")
            sent = 0
            while sent < TOTAL:
                conn.sendall(b"e" * PIECE)
                sent += PIECE
        except OSError:
            pass  # the balancer gave up on us: what a bounded proxy does
        conn.close()


if __name__ == "__main__":
    if sys.argv[1] == "client":
        client(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    else:
        upstream(sys.argv[2])
