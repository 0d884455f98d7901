#!/usr/bin/env python3
"""Helpers of the soak test (benchmarks/soak/run.sh), standard library only, loopback only.

  soak.py targets FIRST_PORT NORMAL T0      NORMAL ground-truth targets, then a garbage, a
                                            hanging and a 100 MB one on the next three ports
  soak.py driver PORT TOKEN T0 WORK         polls the public API and /healthz every second,
                                            pushes and remote-writes ground-truth counters,
                                            sends every poison; logs to WORK/*.log
  soak.py report WORK                       compares what hms-ops stored with the truth and
                                            prints the figures; exit 1 on a loss, a double
                                            count or a crash

Ground truth: every counter is V(t) = floor(t - T0) * rate, T0 a whole second, so the stored
`last` of any minute can be checked against the formula at its `last_at`, and each minute's
stored increase against the difference of two stored values.
"""

import asyncio
import json
import math
import os
import random
import socket
import struct
import sys
import threading
import time
import urllib.error
import urllib.request

CODES = ("200", "201", "404", "500", "503")
PUSH_RATE = 3
RW_RATE = 2


def rate(target: int, code_index: int) -> int:
    return (target * 5 + code_index * 3) % 7 + 1


def value(t: float, t0: int, per_second: int) -> int:
    return max(0, math.floor(t - t0)) * per_second


# ---------------------------------------------------------------------------------------------
# Targets


def normal_body(target: int, t0: int) -> bytes:
    now = time.time()
    out = ["# HELP soak_requests_total Requests handled.\n# TYPE soak_requests_total counter\n"]
    for i, code in enumerate(CODES):
        out.append(f'soak_requests_total{{target="{target}",code="{code}"}} {value(now, t0, rate(target, i))}\n')
    out.append("# HELP soak_inflight Requests in flight.\n# TYPE soak_inflight gauge\n")
    out.append(f'soak_inflight{{target="{target}"}} {int(now) % 17}\n')
    return "".join(out).encode()


async def serve_normal(reader, writer, target, t0):
    try:
        while True:
            await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 300)
            payload = normal_body(target, t0)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: %d\r\n\r\n" % len(payload) + payload)
            await writer.drain()
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()


garbage_turn = 0


async def serve_garbage(reader, writer):
    """Each answer is another kind of garbage: random bytes as a body, random bytes instead of
    an HTTP answer, NULs and an overlong line in a text body, a body that claims gzip."""
    global garbage_turn
    try:
        while True:
            await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 300)
            garbage_turn += 1
            kind = garbage_turn % 4
            if kind == 1:
                writer.write(os.urandom(8192))
                await writer.drain()
                break
            if kind == 0:
                body = os.urandom(32768)
                head = b"Content-Type: text/plain; version=0.0.4\r\n"
            elif kind == 2:
                body = b'soak_garbage{a="x\x00y"} 1\nsoak_garbage 1e999999\n' + b"x" * (2 << 20) + b"\n\xff\xfe junk\n"
                head = b"Content-Type: text/plain; version=0.0.4\r\n"
            else:
                body = b"\x1f\x8b\x08\x00" + os.urandom(4096)
                head = b"Content-Type: text/plain; version=0.0.4\r\nContent-Encoding: gzip\r\n"
            writer.write(b"HTTP/1.1 200 OK\r\n" + head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()


hang_turn = 0


async def serve_hanging(reader, writer):
    """Takes the request and never answers (every other connection: sends a head and 10 bytes
    of a 1,000-byte body, then nothing). Holds the connection until the client leaves (5 min at most)."""
    global hang_turn
    hang_turn += 1
    try:
        await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 300)
        if hang_turn % 2 == 0:
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: 1000\r\n\r\nsoak_hang ")
            await writer.drain()
        await asyncio.wait_for(reader.read(), 300)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()


BIG = 100 << 20
BIG_CHUNK = "".join(f'soak_big_total{{i="{i:07d}",pad="{"p" * 40}"}} {i}\n' for i in range(14_000)).encode()[: 1 << 20]
big_turn = 0


async def serve_big(reader, writer):
    """100 MB of valid-looking lines per answer, in turn with Content-Length, chunked, and
    delimited by the close; stops when the client goes away."""
    global big_turn
    try:
        await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 300)
        big_turn += 1
        kind = big_turn % 3
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
        if kind == 0:
            head += b"Content-Length: %d\r\n\r\n" % BIG
        elif kind == 1:
            head += b"Transfer-Encoding: chunked\r\n\r\n"
        else:
            head += b"Connection: close\r\n\r\n"
        writer.write(head)
        sent = 0
        while sent < BIG:
            chunk = BIG_CHUNK
            writer.write(b"%x\r\n" % len(chunk) + chunk + b"\r\n" if kind == 1 else chunk)
            sent += len(chunk)
            await asyncio.wait_for(writer.drain(), 30)
        if kind == 1:
            writer.write(b"0\r\n\r\n")
        await writer.drain()
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()


async def targets_main(first: int, normal: int, t0: int) -> None:
    servers = []
    for target in range(normal):
        servers.append(await asyncio.start_server(lambda r, w, t=target: serve_normal(r, w, t, t0), "127.0.0.1", first + target))
    for offset, handler in enumerate((serve_garbage, serve_hanging, serve_big)):
        servers.append(await asyncio.start_server(handler, "127.0.0.1", first + normal + offset, limit=1 << 16))
    print(f"serving {normal} targets on 127.0.0.1:{first}-{first + normal - 1}, garbage :{first + normal}, "
          f"hanging :{first + normal + 1}, 100 MB :{first + normal + 2}", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


# ---------------------------------------------------------------------------------------------
# Remote-write: a WriteRequest protobuf in one snappy literal


def varint(v: int) -> bytes:
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def field(number: int, payload: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def write_request(series) -> bytes:
    """series: [(labels dict incl. __name__, [(value, ms)])] -> snappy-framed body."""
    request = b""
    for labels, samples in series:
        body = b"".join(field(1, field(1, k.encode()) + field(2, v.encode())) for k, v in sorted(labels.items()))
        for v, ms in samples:
            body += field(2, b"\x09" + struct.pack("<d", v) + b"\x10" + varint(ms & 0xFFFFFFFFFFFFFFFF))
        request += field(1, body)
    return snappy_literal(request)


def snappy_literal(data: bytes) -> bytes:
    n = len(data)
    if n == 0:
        return varint(0)
    if n <= 60:
        tag = bytes([(n - 1) << 2])
    elif n <= 1 << 8:
        tag = bytes([60 << 2, n - 1])
    elif n <= 1 << 16:
        tag = bytes([61 << 2]) + (n - 1).to_bytes(2, "little")
    elif n <= 1 << 24:
        tag = bytes([62 << 2]) + (n - 1).to_bytes(3, "little")
    else:
        tag = bytes([63 << 2]) + (n - 1).to_bytes(4, "little")
    return varint(n) + tag + data


# ---------------------------------------------------------------------------------------------
# Driver


class Driver:
    def __init__(self, port: int, token: str, t0: int, work: str):
        self.base = f"http://127.0.0.1:{port}"
        self.token = token
        self.t0 = t0
        self.work = work
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.files = {}

    def down_by_us(self) -> bool:
        return os.path.exists(os.path.join(self.work, "down"))

    def log(self, name: str, record: dict) -> None:
        with self.lock:
            f = self.files.get(name)
            if f is None:
                f = self.files[name] = open(os.path.join(self.work, name + ".log"), "a", buffering=1)
            f.write(json.dumps(record) + "\n")

    def request(self, method: str, path: str, body: bytes = None, headers=None, timeout=2.0):
        """(status, text) or (None, error); never raises, never waits past `timeout` (+ connect)."""
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as answer:
                return answer.status, answer.read(1 << 20).decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            try:
                text = e.read(4096).decode("utf-8", "replace")
            except Exception:
                text = ""
            return e.code, text
        except Exception as e:  # refused, reset, timeout
            return None, type(e).__name__ + ": " + str(e)[:120]

    def every(self, seconds: float, first: float, action) -> None:
        next_at = time.time() + first
        while not self.stop.is_set():
            if self.stop.wait(max(0.0, next_at - time.time())):
                return
            next_at += seconds
            if next_at < time.time():
                next_at = time.time() + seconds
            try:
                action()
            except Exception as e:
                self.log("driver-errors", {"t": time.time(), "error": repr(e)[:300]})

    # Availability
    def poll(self, path: str):
        def once():
            ours_before = self.down_by_us()
            started = time.time()
            status, text = self.request("GET", path, timeout=2.0)
            record = {"t": started, "path": path, "status": status, "ours": ours_before or self.down_by_us(),
                      "ms": round((time.time() - started) * 1000, 1)}
            if status == 200 and path.startswith("/healthz"):
                try:
                    h = json.loads(text)
                    record["db"] = h.get("database", {}).get("reachable")
                    record["health"] = h.get("status")
                    record["ingest"] = (h.get("ingest") or {}).get("status")
                except ValueError:
                    record["bad_json"] = True
            elif status == 200 and "/sla" in path:
                try:
                    record["stale"] = json.loads(text).get("stale")
                except ValueError:
                    record["bad_json"] = True
            elif status != 200:
                record["error"] = text[:200]
            self.log("poll", record)
        return once

    # Ground truth through pushes: a Pushgateway-style group, pushed every 5 s
    def push_truth(self):
        now = time.time()
        v = value(now, self.t0, PUSH_RATE)
        body = f"# TYPE soak_pushed_total counter\nsoak_pushed_total {v}\n".encode()
        status, text = self.request("PUT", "/metrics/job/soak-push/stream/p", body, self.auth({"Content-Type": "text/plain; version=0.0.4"}))
        self.log("push", {"t": now, "value": v, "status": status, "ours": self.down_by_us(), "error": None if status == 200 else text[:200]})

    # Ground truth through remote-write, with a bounded retry queue as Prometheus keeps
    rw_queue: list = []

    def rw_truth(self):
        now = time.time()
        ms = int(now * 1000)
        self.rw_queue.append((float(value(now, self.t0, RW_RATE)), ms))
        self.rw_queue = self.rw_queue[-2000:]
        batch = self.rw_queue[:500]
        labels = {"__name__": "soak_rw_total", "job": "soak-rw", "stream": "rw"}
        status, text = self.request("POST", "/api/v1/write", write_request([(labels, batch)]), self.rw_headers())
        if status is not None and status < 500:
            del self.rw_queue[: len(batch)]
        self.log("rw", {"t": now, "sent": len(batch), "status": status, "ours": self.down_by_us(), "queued": len(self.rw_queue),
                        "error": None if status == 204 else text[:200]})

    def auth(self, headers):
        headers = dict(headers)
        headers["Authorization"] = "Bearer " + self.token
        return headers

    def rw_headers(self):
        return self.auth({"Content-Encoding": "snappy", "Content-Type": "application/x-protobuf",
                          "X-Prometheus-Remote-Write-Version": "0.1.0"})

    def poisons(self):
        """Every poison, each expected to get a clear 4xx or be accepted; never a 5xx, a hang or a crash."""
        now_ms = int(time.time() * 1000)
        text = {"Content-Type": "text/plain; version=0.0.4"}
        cases = [
            ("push: NUL in a label value", "PUT", "/metrics/job/soak-poison/case/nul", b'c{v="a\x00b"} 1\n', text),
            ("push: histogram with le=1e300", "PUT", "/metrics/job/soak-poison/case/hist",
             b'# TYPE soak_hist histogram\nsoak_hist_bucket{le="1e300"} 5\nsoak_hist_bucket{le="+Inf"} 5\n'
             b'soak_hist_count 5\nsoak_hist_sum 1e300\n', text),
            ("push: gauge +Inf", "PUT", "/metrics/job/soak-poison/case/inf", b"# TYPE soak_gauge gauge\nsoak_gauge +Inf\n", text),
            ("push: gauge, same series remote-written untyped", "PUT", "/metrics/job/soak-conflict",
             b'# TYPE soak_conflict gauge\nsoak_conflict{stream="x"} 7\n', text),
            ("remote-write: same series untyped", "POST", "/api/v1/write",
             write_request([({"__name__": "soak_conflict", "job": "soak-conflict", "stream": "x"}, [(7.0, now_ms)])]), self.rw_headers()),
            ("remote-write: timestamp Int64.min", "POST", "/api/v1/write",
             write_request([({"__name__": "soak_poison_total", "job": "soak-rw"}, [(1.0, -(1 << 63))])]), self.rw_headers()),
            ("remote-write: NUL in a label value", "POST", "/api/v1/write",
             write_request([({"__name__": "soak_poison_total", "job": "soak-rw", "v": "a\x00b"}, [(1.0, now_ms)])]), self.rw_headers()),
            ("remote-write: not snappy", "POST", "/api/v1/write", os.urandom(512), self.rw_headers()),
            ("push: sample with a timestamp", "PUT", "/metrics/job/soak-poison/case/ts", b"soak_ts 1 1700000000000\n", text),
            ("push: 17 MB body", "PUT", "/metrics/job/soak-poison/case/big", b"soak_big 1\n" * ((17 << 20) // 11 + 1), text),
        ]
        for name, method, path, body, headers in cases:
            started = time.time()
            ours = self.down_by_us()
            status, answer = self.request(method, path, body, self.auth(headers), timeout=10.0)
            self.log("poison", {"t": started, "case": name, "status": status, "ours": ours or self.down_by_us(),
                                "ms": round((time.time() - started) * 1000, 1), "answer": answer[:160]})

    def run(self) -> None:
        jobs = [
            (1, 0.0, self.poll("/healthz")),
            (1, 0.3, self.poll("/public/v1/services")),
            (1, 0.6, self.poll("/public/v1/services/soak/sla?period=24h")),
            (5, 1.0, self.push_truth),
            (5, 2.0, self.rw_truth),
            (30, 10.0, self.poisons),
        ]
        threads = [threading.Thread(target=self.every, args=job, daemon=True) for job in jobs]
        for t in threads:
            t.start()
        try:
            while not self.stop.wait(1):
                pass
        except KeyboardInterrupt:
            pass


# ---------------------------------------------------------------------------------------------
# Report


def read_log(work: str, name: str):
    path = os.path.join(work, name + ".log")
    if not os.path.exists(path):
        return []
    out = []
    with open(path) as f:
        for line in f:
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


def report(work: str) -> int:
    meta = dict(line.rstrip("\n").split("=", 1) for line in open(os.path.join(work, "meta")) if "=" in line)
    t0, normal = int(meta["t0"]), int(meta["normal"])
    w0, w1 = int(meta["window_start"]), int(meta["window_end"])
    events = [line.rstrip("\n") for line in open(os.path.join(work, "events"))]

    # Stored minutes: metric, labels (json), bucket, increase, last, last_at (s)
    series = {}
    duplicates = 0
    with open(os.path.join(work, "minutes.tsv")) as f:
        for line in f:
            metric, labels, kind, bucket, increase, last, last_at = line.rstrip("\n").split("\t")
            key = (metric, labels)
            rows = series.setdefault(key, {})
            b = int(float(bucket))
            if b in rows:
                duplicates += 1
            rows[b] = (float(increase) if increase else None, float(last), float(last_at))

    def truth_of(metric, labels):
        if metric == "soak_requests_total":
            t = int(labels.get("target", -1))
            if 0 <= t < normal and labels.get("code") in CODES:
                return "scrape", rate(t, CODES.index(labels["code"]))
        if metric == "soak_pushed_total":
            return "push", PUSH_RATE
        if metric == "soak_rw_total":
            return "remote-write", RW_RATE
        return None, None

    classes = {}
    lost_minutes = double_minutes = off_formula = reset_seen = 0
    deficits = excess = 0.0
    examples = []
    expected_series = {"scrape": normal * len(CODES), "push": 1, "remote-write": 1}
    for (metric, labels_text), rows in sorted(series.items()):
        labels = json.loads(labels_text)
        cls, per_second = truth_of(metric, labels)
        if cls is None:
            continue
        c = classes.setdefault(cls, {"series": 0, "stored": 0.0, "truth": 0.0, "formula_truth": 0.0, "gaps": 0, "minutes": 0,
                                     "missing_end": 0})
        c["series"] += 1
        buckets = sorted(rows)
        before = [b for b in buckets if b < w0]
        inside = [b for b in buckets if w0 <= b < w1]
        if w1 - 60 not in rows:
            c["missing_end"] += 1
        if not before or not inside:
            continue
        prev = before[-1]
        start_last, start_at = rows[prev][1], rows[prev][2]
        for b in inside:
            inc, last, last_at = rows[b]
            p_last = rows[prev][1]
            expected = last - p_last if last >= p_last else last
            if last < p_last:
                reset_seen += 1
            got = inc or 0.0
            c["minutes"] += 1
            c["gaps"] += (b - prev) // 60 - 1
            if got < expected - 1e-6:
                lost_minutes += 1
                deficits += expected - got
                if len(examples) < 5:
                    examples.append(f"  lost: {metric}{labels_text} minute {time.strftime('%H:%M', time.gmtime(b))}: stored {got:g}, values say {expected:g}")
            elif got > expected + 1e-6:
                double_minutes += 1
                excess += got - expected
                if len(examples) < 5:
                    examples.append(f"  double: {metric}{labels_text} minute {time.strftime('%H:%M', time.gmtime(b))}: stored {got:g}, values say {expected:g}")
            # The stored value against the exporter's formula at its time (scrapes: the
            # scrape's time, within 2 s of the target's; remote-write: the sample's own).
            if cls != "push" and abs(last - value(last_at, t0, per_second)) > 2 * per_second:
                off_formula += 1
                if len(examples) < 5:
                    examples.append(f"  off formula: {metric}{labels_text} minute {time.strftime('%H:%M', time.gmtime(b))}: last {last:g} at {last_at:.3f}, formula {value(last_at, t0, per_second)}")
            c["stored"] += got
            prev = b
        end_last, end_at = rows[inside[-1]][1], rows[inside[-1]][2]
        c["truth"] += end_last - start_last
        c["formula_truth"] += value(end_at, t0, per_second) - value(start_at, t0, per_second)
    lost_minutes += duplicates * 0  # a duplicate row is a double count, below
    double_minutes += duplicates

    polls = read_log(work, "poll")
    pushes, rws, poisons = read_log(work, "push"), read_log(work, "rw"), read_log(work, "poison")
    driver_errors = read_log(work, "driver-errors")

    print(f"window: {time.strftime('%H:%M', time.gmtime(w0))}-{time.strftime('%H:%M', time.gmtime(w1))} UTC "
          f"({(w1 - w0) // 60} closed minutes; the first minute after start and the last one or two before the end are left out)")
    for cls in ("scrape", "push", "remote-write"):
        c = classes.get(cls)
        if not c:
            print(f"  {cls}: no stored series (expected {expected_series[cls]})")
            continue
        print(f"  {cls}: {c['series']}/{expected_series[cls]} series, {c['minutes']} series-minutes; window total stored {c['stored']:.0f}, "
              f"by stored values {c['truth']:.0f}, by the exporter's formula "
              + (f"{c['formula_truth']:.0f} ({c['stored'] - c['formula_truth']:+.0f}); " if cls != "push" else "n/a (a push is stamped when collected, up to 15 s after it was made); ")
              + f"minutes without a row (increase carried to the next) {c['gaps']}; series without the window's last minute {c['missing_end']}")
    missing_series = sum(max(0, expected_series[k] - classes.get(k, {}).get("series", 0)) for k in expected_series)
    missing_end = sum(c["missing_end"] for c in classes.values())
    print(f"stored values off the exporter's formula (more than 2 s): {off_formula}; counter drops seen: {reset_seen}; duplicate minute rows: {duplicates}")
    for line in examples:
        print(line)

    # Availability: every poll made while hms-ops was not down because we killed it.
    counted = [p for p in polls if not p["ours"]]
    ok = [p for p in counted if p["status"] == 200]
    ours = [p for p in polls if p["ours"]]
    avail = 100.0 * len(ok) / len(counted) if counted else 0.0
    stale = sum(1 for p in ok if p.get("stale"))
    slowest = max((p["ms"] for p in ok), default=0)
    failures = {}
    for p in counted:
        if p["status"] != 200:
            k = f"{p['path'].split('?')[0]} {p['status'] or p.get('error', '')[:40]}"
            failures[k] = failures.get(k, 0) + 1
    print(f"api availability: {avail:.1f} % ({len(ok)}/{len(counted)} answered 200 within 2 s; {stale} stale SLA answers; slowest {slowest:.0f} ms; "
          f"{len(ours)} polls while hms-ops was down by our SIGKILL, not counted)")
    for k, n in sorted(failures.items(), key=lambda kv: -kv[1])[:4]:
        print(f"  not answered: {k} x{n}")

    crashes = int(meta.get("crashes", 0))
    print(f"lost minutes: {lost_minutes}" + (f" (deficit {deficits:g})" if lost_minutes else "")
          + (f"; plus {missing_series} expected series never stored and {missing_end} without the last minute" if missing_series or missing_end else ""))
    print(f"double-counted minutes: {double_minutes}" + (f" (excess {excess:g})" if double_minutes else ""))
    print(f"crashes: {crashes} unexpected (hms-ops SIGKILLed by us: {meta.get('kills', 0)}; PostgreSQL SIGKILLed by us: {meta.get('pg_kills', 0)})")
    print(f"rss start: {meta.get('rss_start', '?')} MiB, end: {meta.get('rss_end', '?')} MiB (hms-ops itself; peak {meta.get('rss_peak', '?')} MiB; "
          f"first process {meta.get('rss_start', '?')} -> {meta.get('rss_first_end', '?')} MiB before our first SIGKILL, "
          f"last one {meta.get('rss_last_start', '?')} MiB 30 s after its start -> {meta.get('rss_end', '?')} MiB)")

    # Faults as observed
    def polls_between(a, b, path):
        return [p for p in polls if a <= p["t"] < b and p["path"].startswith(path)]

    print("faults:")
    for line in events:
        t, what, *rest = line.split(" ", 2)
        t = float(t)
        detail = rest[0] if rest else ""
        if what == "pg-stop":
            until = float(detail.split()[0])
            h = polls_between(t, until + 60, "/healthz")
            unreachable = [p for p in h if p.get("db") is False]
            behind = [p for p in h if p.get("ingest") == "behind"]
            back = next((p["t"] for p in h if p["t"] > until and p.get("db")), None)
            api = polls_between(t, until, "/public")
            print(f"  PostgreSQL SIGSTOPped {until - t:.0f} s: /healthz said unreachable {len(unreachable)} times, ingest behind {len(behind)} times; "
                  f"public API 200 {sum(1 for p in api if p['status'] == 200)}/{len(api)} meanwhile; reachable again "
                  + (f"{back - until:.0f} s after SIGCONT" if back else "never seen"))
        elif what == "pg-kill":
            h = polls_between(t + 3, t + 600, "/healthz")
            back = next((p["t"] for p in h if p.get("db")), None)
            api = polls_between(t, back or t + 60, "/public")
            print(f"  {time.strftime('%H:%M:%S', time.gmtime(t))} PostgreSQL {detail}: public API 200 {sum(1 for p in api if p['status'] == 200)}/{len(api)} "
                  "until it was back; /healthz saw it reachable again " + (f"{back - t:.0f} s after the SIGKILL" if back else "never"))
        elif what in ("hms-kill", "note", "crash", "pg-restart", "spool"):
            print(f"  {time.strftime('%H:%M:%S', time.gmtime(t))} {what}: {detail}")

    # Ground-truth feeders and poisons
    def tally(records, good):
        live = [r for r in records if not r["ours"]]
        return sum(1 for r in live if r["status"] in good), len(live)
    a, b = tally(pushes, (200,))
    c, d = tally(rws, (204,))
    print(f"truth pushes accepted: {a}/{b}; remote-write requests accepted: {c}/{d} (not counting while hms-ops was down by us)")
    bad_poison = 0
    by_case = {}
    for r in poisons:
        s = by_case.setdefault(r["case"], {})
        key = r["status"] if r["status"] is not None else "no answer"
        s[key] = s.get(key, 0) + 1
        if not r["ours"] and (r["status"] is None or r["status"] >= 500):
            bad_poison += 1
    print(f"poisons: {len(poisons)} sent, {bad_poison} got a 5xx or no answer while hms-ops was up")
    answers = {r["case"]: r["answer"] for r in poisons if r["status"] is not None}
    for case, counts in by_case.items():
        print(f"  {case}: " + ", ".join(f"{k} x{v}" for k, v in counts.items()) + f"  {answers.get(case, '')[:90]!r}")
    if driver_errors:
        print(f"driver errors: {len(driver_errors)}; last: {driver_errors[-1]['error'][:200]}")
    failed = lost_minutes or double_minutes or crashes or missing_series or missing_end or off_formula
    return 1 if failed else 0


def main() -> int:
    mode = sys.argv[1]
    if mode == "targets":
        asyncio.run(targets_main(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
    elif mode == "driver":
        import signal
        driver = Driver(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5])
        signal.signal(signal.SIGTERM, lambda *_: driver.stop.set())
        driver.run()
    elif mode == "report":
        return report(sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
