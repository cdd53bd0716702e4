#!/usr/bin/env python3
"""A scripted DNS server for dns_failure_smoke.sh, on a loopback address (UDP port 53).

    fake_dns.py ADDRESS MODE_FILE

Prints "listening on ADDRESS:53" on stderr, then answers every query as MODE_FILE says at
that moment (read for each query; replace it atomically to switch):

  answer IP...   A queries get these addresses (TTL 0); other types an empty answer
  servfail       SERVFAIL (a resolver failure: the name may still exist)
  nxdomain       NXDOMAIN (no such name)
  drop           no answer at all (the client times out)
"""
import socket
import struct
import sys

TYPE_A = 1


def question_end(msg):
    """Offset just past the question's name, type and class."""
    i = 12
    while msg[i] != 0:
        i += 1 + msg[i]
    return i + 1 + 4


def reply(query, mode):
    (qid, flags) = struct.unpack("!HH", query[:4])
    end = question_end(query)
    qtype = struct.unpack("!H", query[end - 4:end - 2])[0]
    words = mode.split()
    rcode = {"servfail": 2, "nxdomain": 3}.get(words[0] if words else "", 0)
    answers = []
    if words and words[0] == "answer" and qtype == TYPE_A:
        answers = [socket.inet_aton(ip) for ip in words[1:]]
    out_flags = 0x8000 | (flags & 0x7900) | 0x0400 | 0x0080 | rcode  # QR, opcode+RD, AA, RA
    out = struct.pack("!HHHHHH", qid, out_flags, 1, len(answers), 0, 0) + query[12:end]
    for a in answers:
        out += struct.pack("!HHHIH", 0xC00C, TYPE_A, 1, 0, 4) + a
    return out


def main():
    address, mode_file = sys.argv[1], sys.argv[2]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((address, 53))
    print(f"listening on {address}:53", file=sys.stderr, flush=True)
    while True:
        query, peer = sock.recvfrom(4096)
        with open(mode_file) as f:
            mode = f.read().strip()
        if mode == "drop" or len(query) < 17:
            continue
        try:
            sock.sendto(reply(query, mode), peer)
        except (IndexError, struct.error):
            pass  # not a query we understand: no answer


if __name__ == "__main__":
    main()
