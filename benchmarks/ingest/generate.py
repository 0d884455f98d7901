"""Writes a ~10 MB Prometheus text exposition of 100,000 series (counters, gauges, histograms)."""
import random
import sys

random.seed(7)
out = open(sys.argv[1], "w")
out.write("# HELP app_requests_total Requests.\n# TYPE app_requests_total counter\n")
for i in range(40000):
    out.write(f'app_requests_total{{service="svc-{i % 200}",method="{"GET" if i % 3 else "POST"}",code="{200 + (i % 5) * 100}",route="/api/v1/items/{i}"}} {random.randint(0, 10**9)}\n')
out.write("# HELP app_queue_depth Queue depth.\n# TYPE app_queue_depth gauge\n")
for i in range(30000):
    out.write(f'app_queue_depth{{service="svc-{i % 200}",queue="q-{i}"}} {random.random() * 1000:.6f}\n')
out.write("# HELP app_latency_seconds Latency.\n# TYPE app_latency_seconds histogram\n")
bounds = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"]
for i in range(2500):
    total = 0
    for le in bounds:
        total += random.randint(0, 100)
        out.write(f'app_latency_seconds_bucket{{service="svc-{i % 200}",route="/r/{i}",le="{le}"}} {total}\n')
    out.write(f'app_latency_seconds_sum{{service="svc-{i % 200}",route="/r/{i}"}} {random.random() * 1e4:.3f}\n')
    out.write(f'app_latency_seconds_count{{service="svc-{i % 200}",route="/r/{i}"}} {total}\n')
out.close()
