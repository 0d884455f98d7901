"""Print the samples Python's prometheus_client parser reads from an exposition, as JSON.

Usage: python3 python_samples.py prometheus|openmetrics FILE
Output: [[name, {labels}, value, timestamp, type], ...] with values and timestamps (seconds)
as repr() strings, so no JSON reader can round them; NaN/+Inf/-Inf spelled so; null for no
timestamp. In the parser's order. Used by the parity test.
"""
import json
import math
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics_families
from prometheus_client.parser import text_string_to_metric_families as prometheus_families


def number(value):
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(value)


def timestamp(ts):
    if ts is None:
        return None
    # OpenMetrics timestamps come back as Timestamp objects (sec, nsec).
    if hasattr(ts, "sec"):
        return repr(ts.sec + ts.nsec / 1e9)
    return repr(float(ts))


def main():
    kind, path = sys.argv[1], sys.argv[2]
    text = open(path, encoding="utf-8").read()
    parse = openmetrics_families if kind == "openmetrics" else prometheus_families
    out = []
    for family in parse(text):
        for sample in family.samples:
            out.append([sample.name, dict(sample.labels), number(sample.value), timestamp(sample.timestamp), family.type])
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
