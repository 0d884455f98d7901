#!/usr/bin/env bash
# Fuzzes the push and remote-write decoders and the minute accumulators fed with their output,
# with libFuzzer under AddressSanitizer: builds their own sources (exposition parser, snappy,
# WriteRequest, sample mapper, accumulators, spool payload) with scripts/fuzz/IngestFuzz.swift
# and a stand-in Crypto module (scripts/fuzz/Crypto: SeriesKey imports it for a hash the fuzzed
# code never takes; it traps if called) and runs it for SECONDS (60 by default), seeded with the
# exposition fixtures and remote-write seeds from scripts/fuzz/ingest-seeds.py. Every input goes
# down the push path (both formats) and the remote-write path (snappy, and raw protobuf); rows
# must come back from the spool's encoding bit for bit, and MinuteAccumulator and
# OrderedAccumulator must make the same rows of the same ordered samples. A crash leaves its
# input in .build-fuzz/ and exits non-zero. One input, traced:
#   INGEST_FUZZ_TRACE=1 .build-fuzz/ingest-fuzz FILE
# Usage: scripts/fuzz-ingest.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build-fuzz
mkdir -p "$out/corpus-ingest"
cp Tests/Fixtures/exposition/* "$out/corpus-ingest/"
if [ -d ../shared/fixtures/exposition ]; then cp ../shared/fixtures/exposition/* "$out/corpus-ingest/"; fi
python3 scripts/fuzz/ingest-seeds.py "$out/corpus-ingest"
swiftc -O -parse-as-library -module-name Crypto -emit-module -emit-module-path "$out/Crypto.swiftmodule" \
  -c scripts/fuzz/Crypto/SHA256.swift -o "$out/Crypto.o"
. scripts/fuzz/stage.sh
# All of Core but ProcessMemory (it needs the C shims, and the fuzzed code frees no memory).
core=()
for file in Sources/SLAService/Core/*.swift; do [[ $file == *ProcessMemory.swift ]] || core+=("$file"); done
stage "$out/ingest-sources" "${core[@]}" Sources/SLAService/Exposition/*.swift \
  Sources/SLAService/Ingest/{SampleMapper,MinuteAccumulator,OrderedAccumulator,SpoolPayload}.swift \
  Sources/SLAService/Ingest/RemoteWrite/*.swift
swiftc -O -g -sanitize=fuzzer,address -parse-as-library -package-name hms_ops -module-name IngestFuzz -I "$out" \
  "$out"/ingest-sources/*.swift scripts/fuzz/IngestFuzz.swift "$out/Crypto.o" -o "$out/ingest-fuzz"
cd "$out"
# Swift's own crash backtracer hangs under AddressSanitizer: let libFuzzer report the crash.
# Inputs stop at 16 KiB (the parser's fuzzer takes 64 KiB): every input goes through both
# parsers, snappy, two protobuf decodes, four accumulators and the spool's JSON.
export SWIFT_BACKTRACE=enable=no
./ingest-fuzz -max_total_time="${1:-60}" -max_len=16384 -rss_limit_mb=2048 -print_final_stats=1 corpus-ingest
