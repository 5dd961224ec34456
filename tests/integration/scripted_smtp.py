#!/usr/bin/env python3
"""A tiny scripted SMTP server for the network-namespace tests: a fixed greeting, EHLO with a
fixed capability list, and 250 to MAIL, RCPT, RSET and NOOP; no TLS, no AUTH, no DATA.

    scripted_smtp.py --listen ADDR:PORT [--listen ...] --greeting-line TEXT [...] --name NAME

Every line of --greeting-line becomes one line of the 220 reply. It prints "ready" on stdout once
every listener is bound, then serves until killed.
"""

import argparse
import asyncio
import sys


def reply(code, lines):
    out = ""
    for i, line in enumerate(lines):
        sep = " " if i == len(lines) - 1 else "-"
        out += f"{code}{sep}{line}\r\n"
    return out.encode()


async def serve(reader, writer, greeting, name):
    writer.write(reply(220, greeting))
    try:
        while True:
            line = await asyncio.wait_for(reader.readline(), 30)
            if not line:
                break
            verb = line.decode("ascii", "replace").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                writer.write(reply(250, [f"{name} greets you", "PIPELINING", "SIZE 10240000",
                                         "8BITMIME"]))
            elif verb == "HELO":
                writer.write(reply(250, [name]))
            elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                writer.write(reply(250, ["2.0.0 Ok"]))
            elif verb == "QUIT":
                writer.write(reply(221, ["2.0.0 Bye"]))
                await writer.drain()
                break
            else:
                writer.write(reply(502, ["5.5.2 Command not implemented"]))
            await writer.drain()
    except (asyncio.TimeoutError, ConnectionError):
        pass
    writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", action="append", required=True)
    parser.add_argument("--greeting-line", action="append", required=True)
    parser.add_argument("--name", required=True)
    args = parser.parse_args()
    servers = []
    for item in args.listen:
        host, port = item.rsplit(":", 1)
        servers.append(await asyncio.start_server(
            lambda r, w: serve(r, w, args.greeting_line, args.name), host, int(port)))
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
