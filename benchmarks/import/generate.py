#!/usr/bin/env python3
"""Writes an OpenMetrics file of timestamped history, as `promtool tsdb create-blocks-from
openmetrics` reads it: each series' samples in time order, one family after another, `# EOF` last.

Families: counters `requests_total{route,code}` that reset now and then, gauges `queue_depth{queue}`,
and histograms `latency_seconds{route}` (buckets, count and sum, resetting with their counter).
Deterministic for a given --seed. Usage:
  generate.py --series 1000 --days 30 --step 15 --end 1790812800 > month.om
"""
import argparse
import random
import sys

BOUNDS = ["0.05", "0.1", "0.25", "0.5", "1", "+Inf"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=12, help="about how many series (at least 12)")
    parser.add_argument("--days", type=float, default=30)
    parser.add_argument("--step", type=int, default=15, help="seconds between samples")
    parser.add_argument("--end", type=int, required=True, help="Unix seconds; the last sample is one step before it")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    points = int(args.days * 86400 // args.step)
    start = args.end - points * args.step
    rng = random.Random(args.seed)
    out = sys.stdout
    write = out.write
    # Half counters, a quarter gauges, the rest histograms of 8 series each.
    counters = max(2, args.series // 2)
    gauges = max(1, args.series // 4)
    histograms = max(1, (args.series - counters - gauges) // (len(BOUNDS) + 2))

    write("# HELP requests Requests served.\n# TYPE requests counter\n")
    for n in range(counters):
        labels = 'route="r%d",code="%s"' % (n // 2, "200" if n % 2 == 0 else "500")
        value = 0.0
        reset_every = rng.randint(points // 5, points // 2) if points > 10 else points + 1
        lines = []
        for i in range(points):
            if i > 0 and i % reset_every == 0:
                value = 0.0
            value += rng.randint(0, 20 if n % 2 == 0 else 2)
            lines.append("requests_total{%s} %g %d\n" % (labels, value, start + i * args.step))
        write("".join(lines))

    write("# HELP queue_depth Items waiting.\n# TYPE queue_depth gauge\n")
    for n in range(gauges):
        value = 10.0
        lines = []
        for i in range(points):
            value = max(0.0, value + rng.uniform(-2, 2))
            lines.append('queue_depth{queue="q%d"} %.3f %d\n' % (n, value, start + i * args.step))
        write("".join(lines))

    write("# HELP latency_seconds Time to answer.\n# TYPE latency_seconds histogram\n# UNIT latency_seconds seconds\n")
    for n in range(histograms):
        counts = [0] * len(BOUNDS)
        total = 0.0
        reset_every = rng.randint(points // 4, points // 2) if points > 10 else points + 1
        lines = []
        for i in range(points):
            if i > 0 and i % reset_every == 0:
                counts = [0] * len(BOUNDS)
                total = 0.0
            for _ in range(rng.randint(0, 6)):
                latency = rng.expovariate(1 / 0.2)
                total += latency
                for b, bound in enumerate(BOUNDS):
                    if bound == "+Inf" or latency <= float(bound):
                        counts[b] += 1
            t = start + i * args.step
            for b, bound in enumerate(BOUNDS):
                lines.append('latency_seconds_bucket{route="r%d",le="%s"} %d %d\n' % (n, bound, counts[b], t))
            lines.append('latency_seconds_count{route="r%d"} %d %d\n' % (n, counts[-1], t))
            lines.append('latency_seconds_sum{route="r%d"} %.6f %d\n' % (n, total, t))
        write("".join(lines))
    write("# EOF\n")


if __name__ == "__main__":
    main()
