#!/usr/bin/env python3
"""Opens N TLS connections to a server, completes each handshake and one keep-alive request,
then keeps them all open and idle: bench/tls.sh measures the server's RSS meanwhile.

    tls_idle_clients.py HOST PORT PATH N

Prints "ready OK FAILED" once every connection is done (FAILED: connections that could not be
opened or answered), then idles until killed or until 10 minutes have passed. At most 100
handshakes are in flight at once. The server's certificate is not verified (the client's work
is not what is measured).
"""
import asyncio
import resource
import ssl
import sys

IN_FLIGHT = 100
IDLE_LIMIT_S = 600


async def one(host, port, path, ctx, gate, kept):
    async with gate:
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host, port, ssl=ctx), timeout=30)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=30)
            if not head.startswith(b"HTTP/1.1 200"):
                writer.close()
                return False
            length = 0
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await asyncio.wait_for(reader.readexactly(length), timeout=30)
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ssl.SSLError):
            return False
        kept.append((reader, writer))
        return True


async def main():
    host, port, path, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < count + 100:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 1000), hard))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(["http/1.1"])
    gate = asyncio.Semaphore(IN_FLIGHT)
    kept = []
    results = await asyncio.gather(*(one(host, port, path, ctx, gate, kept) for _ in range(count)))
    ok = sum(results)
    print(f"ready {ok} {count - ok}", flush=True)
    await asyncio.sleep(IDLE_LIMIT_S)


if __name__ == "__main__":
    asyncio.run(main())
