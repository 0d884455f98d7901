#!/usr/bin/env bash
# Runs the OpenMetrics project's parser conformance cases (tests/testdata/parsers in
# github.com/OpenObservability/OpenMetrics; not shipped here) through `hms-ops check metrics`
# and prints every case whose verdict differs from the expected one.
# Usage: scripts/openmetrics-suite.sh PATH/TO/tests/testdata/parsers
set -u
dir=${1:?usage: $0 PATH/TO/tests/testdata/parsers}
bin=${HMS_OPS_BIN:-.build/debug/hms-ops}
pass=0; fail=0
for case in "$dir"/*/; do
  name=$(basename "$case")
  expected=$(python3 -c 'import json,sys; print("ok" if json.load(open(sys.argv[1]))["shouldParse"] else "bad")' "$case/test.json")
  if "$bin" check metrics --format openmetrics "$case/metrics" >/tmp/om-case.out 2>&1; then got=ok; else got=bad; fi
  if [ "$got" = "$expected" ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "MISMATCH $name: expected $expected, got $got: $(grep -m1 -E ':[0-9]+: ' /tmp/om-case.out)"; fi
done
echo "openmetrics suite: $pass agree, $fail differ"
[ "$fail" = 0 ]
