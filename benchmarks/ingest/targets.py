#!/usr/bin/env python3
"""Simulated scrape targets for the ingest benchmark: N ports on 127.0.0.1, each serving
`/metrics` with about 1,000 series whose values change every second (counters that grow,
gauges that wander, a histogram per route). Usage: targets.py FIRST_PORT COUNT."""

import asyncio
import sys
import time

ROUTES = 20
BUCKETS = ["5", "10", "25", "50", "100", "250", "500", "+Inf"]


def body(target: int, second: int) -> bytes:
    out = []
    out.append("# HELP bench_requests_total Requests handled.\n# TYPE bench_requests_total counter\n")
    for route in range(ROUTES):
        for code in ("200", "201", "202", "204", "301", "400", "401", "403", "404", "429", "500", "502", "503", "504", "000"):
            for method in ("GET", "POST"):
                rate = (route * 7 + len(code) + target) % 11 + 1
                out.append(f'bench_requests_total{{route="r{route}",code="{code}",method="{method}"}} {second * rate}\n')
    out.append("# HELP bench_inflight Requests in flight.\n# TYPE bench_inflight gauge\n")
    for route in range(ROUTES):
        for worker in range(10):
            out.append(f'bench_inflight{{route="r{route}",worker="w{worker}"}} {(second * 31 + route * 17 + worker) % 97}\n')
    out.append("# HELP bench_latency_ms Latency.\n# TYPE bench_latency_ms histogram\n")
    for route in range(ROUTES):
        total = second * (route % 5 + 3)
        for i, le in enumerate(BUCKETS):
            count = total if le == "+Inf" else total * (i + 1) // (len(BUCKETS) + 1)
            out.append(f'bench_latency_ms_bucket{{route="r{route}",le="{le}"}} {count}\n')
        out.append(f'bench_latency_ms_sum{{route="r{route}"}} {total * 42}\n')
        out.append(f'bench_latency_ms_count{{route="r{route}"}} {total}\n')
    return "".join(out).encode()


cache: dict = {}


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, target: int) -> None:
    try:
        while True:
            request = await reader.readuntil(b"\r\n\r\n")
            if not request:
                break
            second = int(time.time())
            key = (target, second)
            payload = cache.get(key)
            if payload is None:
                payload = body(target, second)
                if len(cache) > 4 * 1024:
                    cache.clear()
                cache[key] = payload
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: "
                + str(len(payload)).encode()
                + b"\r\n\r\n"
                + payload
            )
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main() -> None:
    first, count = int(sys.argv[1]), int(sys.argv[2])
    servers = []
    for target in range(count):
        servers.append(await asyncio.start_server(lambda r, w, t=target: handle(r, w, t), "127.0.0.1", first + target))
    series = sum(1 for line in body(0, 0).splitlines() if not line.startswith(b"#"))
    print(f"serving {count} targets on 127.0.0.1:{first}-{first + count - 1}, {series} series each", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    asyncio.run(main())
