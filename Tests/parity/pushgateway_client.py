"""Pushes to hms-ops the way batch jobs push to a Pushgateway: prometheus_client's own
push_to_gateway, pushadd_to_gateway and delete_from_gateway, unchanged but for the bearer token.
Usage: pushgateway_client.py push|pushadd|delete HOST:PORT TOKEN"""
import sys

from prometheus_client import CollectorRegistry, Counter, Gauge, delete_from_gateway, push_to_gateway, pushadd_to_gateway
from prometheus_client.exposition import default_handler

step, gateway, token = sys.argv[1:4]


def handler(url, method, timeout, headers, data):
    return default_handler(url, method, timeout, headers + [("Authorization", "Bearer " + token)], data)


# A job name with a slash: the client sends it as job@base64, as it must.
job = "nightly/backup"
grouping = {"instance": "host-1"}
registry = CollectorRegistry()
if step == "push":
    Gauge("backup_last_success_timestamp_seconds", "When the backup last succeeded.", registry=registry).set(1790856000)
    Counter("backup_runs", "Backups run.", registry=registry).inc(3)
    push_to_gateway(gateway, job=job, registry=registry, grouping_key=grouping, handler=handler)
elif step == "pushadd":
    Gauge("backup_bytes", "Bytes written.", ["volume"], registry=registry).labels("data").set(1.5e9)
    pushadd_to_gateway(gateway, job=job, registry=registry, grouping_key=grouping, handler=handler)
elif step == "delete":
    delete_from_gateway(gateway, job=job, grouping_key=grouping, handler=handler)
print("ok", step)
