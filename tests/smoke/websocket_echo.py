#!/usr/bin/env python3
"""A WebSocket echo server, and a client that checks an echo through `conv balancer`.

  websocket_echo.py serve              echo server on a free loopback port; prints
                                       "listening on 127.0.0.1:PORT" to stderr
  websocket_echo.py client URL [CA]    text and binary messages, each echoed, then a clean
                                       close; wss:// URLs trust the CA file given
Exits non-zero (with the reason on stderr) when an echo or the close is wrong.
"""
import asyncio
import ssl
import sys

import websockets


async def serve():
    async def echo(ws, *_path):
        async for message in ws:
            await ws.send(message)

    async with websockets.serve(echo, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"listening on 127.0.0.1:{port}", file=sys.stderr, flush=True)
        await asyncio.Future()


async def client(url, ca):
    context = ssl.create_default_context(cafile=ca) if url.startswith("wss:") else None
    messages = ["hello", "ünïcödé " * 100, b"\x00\x01\x02\xff" * 5000, "x" * 200_000]
    async with websockets.connect(url, ssl=context, max_size=2**20) as ws:
        for message in messages:
            await ws.send(message)
            got = await asyncio.wait_for(ws.recv(), 10)
            if got != message:
                sys.exit(f"echo differs for a {type(message).__name__} of {len(message)}")
        await ws.close()
        if ws.close_code != 1000:
            sys.exit(f"close code {ws.close_code}")
    print(f"ok: {len(messages)} messages echoed, closed with 1000")


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        asyncio.run(serve())
    else:
        asyncio.run(client(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None))
