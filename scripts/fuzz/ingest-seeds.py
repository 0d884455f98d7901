#!/usr/bin/env python3
"""Writes small seeds for scripts/fuzz-ingest.sh into the folder given: Prometheus WriteRequest
protobufs (remote.proto / types.proto field numbers), each raw (`rw-*.pb`) and snappy-compressed
as the remote-write 1.0 body is (`rw-*.snappy`: literals only, and one with back-references),
and two pushes whose gauge goes to +Inf and -Inf and -0 in one minute (`push-*`).
Usage: ingest-seeds.py DIR"""
import os
import struct
import sys


def varint(n):
    n &= (1 << 64) - 1  # negative int64 as protobuf writes it: ten bytes
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number, wire, payload):
    key = varint(number << 3 | wire)
    if wire == 2:
        return key + varint(len(payload)) + payload
    return key + payload


def label(name, value):
    return field(1, 2, field(1, 2, name.encode()) + field(2, 2, value.encode()))


def sample(value, ms):
    return field(2, 2, field(1, 1, struct.pack("<d", value)) + field(2, 0, varint(ms)))


def series(labels, samples):
    return field(1, 2, b"".join(label(n, v) for n, v in labels) + b"".join(sample(v, t) for v, t in samples))


def snappy(data, copy=False):
    """Raw snappy block: varint length, then literals (and, with copy, runs as 1-byte-offset copies)."""
    out = bytearray(varint(len(data)))

    def literal(chunk):
        while chunk:
            piece, chunk = chunk[:65536], chunk[65536:]
            n = len(piece) - 1
            if n < 60:
                out.append(n << 2)
            elif n < 256:
                out.extend([60 << 2, n])
            else:
                out.extend([61 << 2, n & 0xFF, n >> 8])
            out.extend(piece)

    if not copy:
        literal(data)
        return bytes(out)
    i = 0
    start = 0
    while i < len(data):
        run = 1
        while i + run < len(data) and data[i + run] == data[i] and run < 12:
            run += 1
        if run >= 5:  # one literal byte, then a copy of it (offset 1) for the rest of the run
            literal(data[start : i + 1])
            out.append(((run - 1 - 4) << 2) | 1)
            out.append(1)
            i += run
            start = i
        else:
            i += run
    literal(data[start:])
    return bytes(out)


T = 1_790_856_000_000  # 2026-10-01T12:00:00Z, the push path's scrape time
LATEST = 253_402_300_799_999  # SampleTime.latest
INF = float("inf")
NAN = float("nan")

requests = {
    "counter": series(
        [("__name__", "http_requests_total"), ("job", "api"), ("instance", "a:9100")],
        [(1.0, T), (5.0, T + 15_000), (2.0, T + 75_000), (2.0, T + 75_000)],
    ),
    "gauge": series(
        [("__name__", "temperature"), ("room", "lab")],
        [(21.5, T), (-0.0, T + 1), (INF, T + 2), (-INF, T + 3), (NAN, T + 4), (1e308, T + 5), (5e-324, T + 6)],
    ),
    "bucket": series(
        [("__name__", "latency_seconds_bucket"), ("le", "2.5e2")], [(3.0, T), (4.0, T + 60_000)]
    )
    + series([("__name__", "latency_seconds_bucket"), ("le", "+Inf")], [(7.0, T), (9.0, T + 60_000)])
    + series([("__name__", "latency_seconds_count")], [(7.0, T)]),
    "extremes": series(
        [("__name__", "edge_total")],
        [(1.0, -(1 << 63)), (2.0, (1 << 63) - 1), (3.0, -1), (4.0, 0), (5.0, LATEST), (6.0, LATEST + 1)],
    ),
    "nameless": series([("job", "x")], [(1.0, T)]) + series([("__name__", ""), ("a", "")], [(1.0, T)]),
    "metadata": series([("__name__", "up")], [(1.0, T)])
    + field(3, 2, field(1, 0, varint(1)) + field(2, 2, b"up") + field(4, 2, b"help")),
    "many": b"".join(
        series([("__name__", f"m{i}_total"), ("i", str(i))], [(float(k), T + 1000 * k) for k in range(3)]) for i in range(40)
    ),
}

folder = sys.argv[1]
os.makedirs(folder, exist_ok=True)
for name, body in requests.items():
    with open(os.path.join(folder, f"rw-{name}.pb"), "wb") as f:
        f.write(body)
    with open(os.path.join(folder, f"rw-{name}.snappy"), "wb") as f:
        f.write(snappy(body))
with open(os.path.join(folder, "rw-many-copies.snappy"), "wb") as f:
    f.write(snappy(requests["many"] + requests["gauge"], copy=True))

# Timestamps in 0.0.4 are milliseconds, in OpenMetrics seconds.
with open(os.path.join(folder, "push-gauge.prom"), "w") as f:
    f.write("# TYPE g gauge\n" + "".join(f'g{{a="1"}} {v} {T + 1000 * k}\n' for k, v in enumerate(["1", "+Inf", "-Inf", "-0", "1e301"])))
    f.write('# TYPE c counter\nc_total{job="other"} 3\n')
with open(os.path.join(folder, "push-gauge.openmetrics.txt"), "w") as f:
    f.write("# TYPE g gauge\n" + "".join(f'g{{a="1"}} {v} {T // 1000 + k}\n' for k, v in enumerate(["1", "+Inf", "-Inf", "-0"])))
    f.write("# TYPE h histogram\n" + 'h_bucket{le="2.5e2"} 1\nh_bucket{le="+Inf"} 2\nh_count 2\nh_sum 3\nh_created 1.5e9\n# EOF\n')
