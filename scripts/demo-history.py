#!/usr/bin/env python3
"""Writes the demo service's history as timestamped OpenMetrics, for `hms-ops import openmetrics
FILE --service crop-relief`: the seed's Crop-Relief Online metrics (claims_total by code,
latency_ms) and the suite's (gov_checks_total, agent_runs_total, esq_incidents_total,
hitl_tasks_waiting, act_step_duration_ms), with a few days below the 99.9 % objective.
Deterministic for a given --seed. Usage:
  demo-history.py --days 90 --step 600 --end 1795651200 [--incident] > history.om
"""
import argparse
import random
import sys

LATENCY = [5, 10, 25, 50, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 2500, 5000, 10000]
STEPS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500]


def bound(value):
    return "%g" % value if value != int(value) else "%d.0" % value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--step", type=int, default=600, help="seconds between samples")
    parser.add_argument("--end", type=int, required=True, help="Unix seconds; the last sample is one step before it")
    parser.add_argument("--incident", action="store_true", help="a security incident in the last hours")
    parser.add_argument("--bad-days", default="9,33,58", help="days before the end whose error rate breaks 99.9 %%")
    parser.add_argument("--bad-rate", type=float, default=0.006, help="error rate on those days (0.1 %% is the budget's rate)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    points = args.days * 86400 // args.step
    start = args.end - points * args.step
    bad = {int(day) for day in args.bad_days.split(",") if day}
    times = [start + i * args.step for i in range(points)]

    ok, failed, latency, latency_sum, gov_pass, gov_block, runs, incidents, waiting, steps, steps_sum = (
        [], [], [], [], [], [], [], [], [], [], [])
    totals = dict(ok=0, failed=0, latency_sum=0.0, gov_pass=0, gov_block=0, runs=0, incidents=0, steps_sum=0.0)
    buckets = [0] * (len(LATENCY) + 1)
    step_buckets = [0] * (len(STEPS) + 1)
    queue = 8
    for at in times:
        day = (args.end - at - 1) // 86400
        requests = rng.randint(150, 250)
        error_rate = args.bad_rate if day in bad else 0.0002
        errors = sum(1 for _ in range(requests) if rng.random() < error_rate)
        totals["ok"] += requests - errors
        totals["failed"] += errors
        for _ in range(requests):
            value = max(1.0, rng.lognormvariate(4.75, 0.45))
            totals["latency_sum"] += value
            buckets[next((i for i, b in enumerate(LATENCY) if value <= b), len(LATENCY))] += 1
        checks = requests // 2
        blocked = sum(1 for _ in range(checks) if rng.random() < 0.04)
        totals["gov_pass"] += checks - blocked
        totals["gov_block"] += blocked
        totals["runs"] += requests // 3
        if args.incident and args.end - at <= 6 * 3600 and at % 7200 == 0:
            totals["incidents"] += 1
        for _ in range(requests // 4):
            value = max(0.5, rng.lognormvariate(3.6, 0.6))
            totals["steps_sum"] += value
            step_buckets[next((i for i, b in enumerate(STEPS) if value <= b), len(STEPS))] += 1
        queue = max(0, min(40, queue + rng.randint(-3, 3)))
        ok.append(totals["ok"]); failed.append(totals["failed"])
        latency.append(list(buckets)); latency_sum.append(totals["latency_sum"])
        gov_pass.append(totals["gov_pass"]); gov_block.append(totals["gov_block"])
        runs.append(totals["runs"]); incidents.append(totals["incidents"]); waiting.append(queue)
        steps.append(list(step_buckets)); steps_sum.append(totals["steps_sum"])

    out = []
    write = out.append
    write("# TYPE claims counter\n")
    for code, values in (("200", ok), ("500", failed)):
        for at, value in zip(times, values):
            write('claims_total{code="%s"} %d %d\n' % (code, value, at))
    for name, bounds, series, sums in (("latency_ms", LATENCY, latency, latency_sum), ("act_step_duration_ms", STEPS, steps, steps_sum)):
        write("# TYPE %s histogram\n" % name)
        for at, counts, total in zip(times, series, sums):
            running = 0
            for b, count in zip(bounds + [None], counts):
                running += count
                write('%s_bucket{le="%s"} %d %d\n' % (name, "+Inf" if b is None else bound(float(b)), running, at))
            write("%s_count %d %d\n%s_sum %.3f %d\n" % (name, running, at, name, total, at))
    write("# TYPE gov_checks counter\n")
    for decision, values in (("PASS", gov_pass), ("BLOCK", gov_block)):
        for at, value in zip(times, values):
            write('gov_checks_total{decision="%s"} %d %d\n' % (decision, value, at))
    for name, values in (("agent_runs", runs), ("esq_incidents", incidents)):
        write("# TYPE %s counter\n" % name)
        for at, value in zip(times, values):
            write("%s_total %d %d\n" % (name, value, at))
    write("# TYPE hitl_tasks_waiting gauge\n")
    for at, value in zip(times, waiting):
        write("hitl_tasks_waiting %d %d\n" % (value, at))
    write("# EOF\n")
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
