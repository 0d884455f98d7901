"""Parse throughput of Python's prometheus_client parser on the same files (the reference)."""
import os
import sys
import time

from prometheus_client.openmetrics.parser import text_string_to_metric_families as om
from prometheus_client.parser import text_string_to_metric_families as prom

for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    parse = om if text.rstrip().endswith("# EOF") else prom
    samples = sum(len(f.samples) for f in parse(text))
    rounds, start = 0, time.perf_counter()
    while time.perf_counter() - start < 2 or rounds == 0:
        for _ in parse(text):
            pass
        rounds += 1
    elapsed = time.perf_counter() - start
    size = os.path.getsize(path)
    print(f"python   {os.path.basename(path):32} {size * rounds / 1e6 / elapsed:8.1f} MB/s {samples * rounds / elapsed:12.0f} samples/s")
