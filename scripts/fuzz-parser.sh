#!/usr/bin/env bash
# Fuzzes the exposition parser with libFuzzer under AddressSanitizer: builds the parser's own
# sources with scripts/fuzz/ParserFuzz.swift (parse as both formats, whole and streamed, which
# must agree) and runs it for SECONDS (60 by default), seeded with the fixtures. A crash leaves
# its input in .build-fuzz/ and exits non-zero.
# Usage: scripts/fuzz-parser.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build-fuzz
mkdir -p "$out/corpus"
cp Tests/Fixtures/exposition/* "$out/corpus/"
# The parser and the few words of Core it uses (names, labels, quoting).
. scripts/fuzz/stage.sh
stage "$out/parser-sources" Sources/SLAService/Exposition/*.swift Sources/SLAService/Core/{MetricName,QuotedText,Label,UserFacing}.swift
swiftc -O -g -sanitize=fuzzer,address -parse-as-library -package-name hms_ops -module-name ParserFuzz \
  "$out"/parser-sources/*.swift scripts/fuzz/ParserFuzz.swift -o "$out/parser-fuzz"
cd "$out"
# Swift's own crash backtracer hangs under AddressSanitizer: let libFuzzer report the crash.
export SWIFT_BACKTRACE=enable=no
./parser-fuzz -max_total_time="${1:-60}" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 corpus
