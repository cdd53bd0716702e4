#!/usr/bin/env python3
"""A misbehaving HTTP upstream for the fault and limit tests, on 127.0.0.1 only.

    fake_upstream.py MODE

Prints "listening on 127.0.0.1:PORT" on stderr once it accepts, then serves every
connection in a thread, one request per connection, as MODE says:

  ok         200 with a 2-byte body (and /healthz answers 200)
  hang       reads the request and never answers (holds the connection open)
  garbage    answers bytes that are not HTTP, then closes
  badstatus  answers an invalid status line, then closes
  halfbody   declares Content-Length 100000, sends half of it, then closes
  halfchunk  sends a chunked body without its last chunk, then closes
  trickle    answers a valid 200 one byte at a time, 5 ms apart
  slow       answers 200 after 1.5 s (requests in flight during a shutdown)
  big        answers 64 MiB as fast as the client reads it
"""
import socket
import sys
import threading
import time

MODE = sys.argv[1]
BODY = b"ok"


def read_head(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    return data


def response(body, extra=b""):
    return (b"HTTP/1.1 200 OK\r\nContent-Length: " + str(len(body)).encode() +
            b"\r\nX-Served-By: fake-" + MODE.encode() + b"\r\n" + extra +
            b"Connection: close\r\n\r\n" + body)


def serve(conn):
    try:
        head = read_head(conn)
        if head is None:
            return
        if head.startswith(b"GET /healthz ") and MODE not in ("hang",):
            conn.sendall(response(b"ok"))
            return
        if MODE == "ok":
            conn.sendall(response(BODY))
        elif MODE == "hang":
            while conn.recv(65536):
                pass
        elif MODE == "garbage":
            conn.sendall(b"\x00\x01this is not HTTP at all\r\n\r\n")
        elif MODE == "badstatus":
            conn.sendall(b"HTTP/1.1 2000 Very OK\r\nContent-Length: 2\r\n\r\nok")
        elif MODE == "halfbody":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 50000)
        elif MODE == "halfchunk":
            conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
                         b"1000\r\n" + b"y" * 4096 + b"\r\n")
        elif MODE == "trickle":
            for b in response(b"0123456789" * 4):
                conn.sendall(bytes([b]))
                time.sleep(0.005)
        elif MODE == "slow":
            time.sleep(1.5)
            conn.sendall(response(BODY))
        elif MODE == "big":
            size = 64 << 20
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: " + str(size).encode() +
                         b"\r\nConnection: close\r\n\r\n")
            block = b"z" * 65536
            for _ in range(size // len(block)):
                conn.sendall(block)
        conn.shutdown(socket.SHUT_WR)
        while conn.recv(65536):
            pass
    except OSError:
        pass
    finally:
        conn.close()


def main():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", int(sys.argv[2]) if len(sys.argv) > 2 else 0))
    srv.listen(1024)
    print(f"listening on 127.0.0.1:{srv.getsockname()[1]}", file=sys.stderr, flush=True)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
