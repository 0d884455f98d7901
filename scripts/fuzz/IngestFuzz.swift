// libFuzzer entry for the push and remote-write decoders and the minute accumulators fed with
// their output (built by scripts/fuzz-ingest.sh with their own sources, under AddressSanitizer).
// Every input goes down every path (no mode byte, so each seed serves them all):
// - push: parsed as both exposition formats; every sample checked against `SeriesLimits` as the
//   push route checks it (with the group's job label); mapped by `SampleMapper` (job="j",
//   honor_labels, a fixed scrape time; the samples' own timestamps win) into the accumulators;
// - remote-write: the bytes snappy-decompressed and decoded as a `WriteRequest`, and the raw
//   bytes decoded as a `WriteRequest` directly (the protobuf decoder without valid snappy); its
//   observations, timestamps straight from the input (Int64's ends included), into the
//   accumulators.
// The accumulators: a `MinuteAccumulator` (observe with no ahead limit, close a minute on, observe
// again with the pipeline's kind of limit: replays and late samples, close everything) and an
// `OrderedAccumulator`. All their rows go through `SpoolPayload.encode` and `decode`, which must
// give them back bit for bit (a NaN as a NaN). Then the same samples, each series' sorted by
// time, go into a fresh pair of accumulators, which must make the same rows. Nothing may trap.
// To see what one input does: INGEST_FUZZ_TRACE=1 .build-fuzz/ingest-fuzz FILE
// A closed cell that makes no row traps (see `strict`).

import Foundation

/// Sources/SLAService/Storage/Spool.swift's record limit, which `SpoolPayload.records` names
/// (`Spool` itself needs the rest of the package; `records` is not called here).
enum Spool { static let maximumPayload = 256 << 20 }

/// The push path's scrape time (2026-10-01T12:00:00Z) and target labels.
let scrapedAt: Int64 = 1_790_856_000_000
let targetLabels = [Label("job", "j")]
let trace = getenv("INGEST_FUZZ_TRACE") != nil

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for format in [ExpositionFormat.prometheusText, .openMetrics] { push(bytes, format: format) }
    do {
        let raw = try Snappy.decompress(bytes, maximumLength: 1 << 20)
        guard raw.count <= 1 << 20 else { fatalError("snappy gave \(raw.count) bytes, over its maximum") }
        if trace { print("snappy: \(bytes.count) bytes became \(raw.count)") }
        remoteWrite(raw)
    } catch {
        if trace { print("snappy: \(error)") }
    }
    remoteWrite(bytes)
    return 0
}

func push(_ bytes: [UInt8], format: ExpositionFormat) {
    let exposition = ExpositionParser.parse(bytes, format: format)
    for family in exposition.families {
        for sample in family.samples {
            let labels = sample.labels + targetLabels.filter { sample.label($0.name) == nil }
            _ = SeriesLimits.standard.problem(metric: sample.name, labels: labels)
        }
    }
    let observations = SampleMapper.observations(exposition, targetLabels: targetLabels, scrapedAt: scrapedAt, honorLabels: true)
    if trace { print("push \(format.rawValue): \(exposition.families.count) families, \(exposition.errors.count) errors, \(observations.count) observations") }
    accumulate(observations)
}

func remoteWrite(_ bytes: [UInt8]) {
    let request: WriteRequest
    do { request = try WriteRequest(decoding: bytes) } catch {
        if trace { print("remote-write (\(bytes.count) bytes): \(error)") }
        return
    }
    let (kept, nameless) = request.observations()
    if trace { print("remote-write (\(bytes.count) bytes): \(request.series.count) series, \(kept.count) observations, \(nameless) nameless") }
    let samples = request.series.reduce(0) { $0 + $1.samples.count }
    guard kept.count + nameless == samples else { fatalError("\(samples) samples became \(kept.count) kept + \(nameless) nameless") }
    accumulate(kept)
}

func accumulate(_ observations: [SampleMapper.Observation]) {
    guard !observations.isEmpty else { return }
    var accumulator = MinuteAccumulator()
    let first = accumulator.observe(observations, notAfter: .max)
    guard first.ahead == 0, first.total <= observations.count else { fatalError("dropped \(first) of \(observations.count)") }
    var rows = closedRows(&accumulator, now: scrapedAt + 2 * MinuteTime.length)
    let second = accumulator.observe(observations, notAfter: scrapedAt + MinuteTime.length)
    guard second.total <= observations.count else { fatalError("dropped \(second) of \(observations.count)") }
    rows += closedRows(&accumulator, now: SampleTime.latest + 3_600_000)
    guard accumulator.takeClosed(now: SampleTime.latest + 7_200_000).isEmpty else { fatalError("a minute stayed open") }
    if trace { print("  minute accumulator: \(rows.count) rows; dropped \(first), then \(second)") }
    roundTrip(rows)

    var ordered = OrderedAccumulator()
    for o in observations { _ = ordered.observe(o.series, value: o.value, at: o.at) }
    let orderedRows = ordered.takeReady() + ordered.takeAll()
    if trace { print("  ordered accumulator: \(orderedRows.count) rows, \(ordered.outOfOrder) out of order") }
    roundTrip(orderedRows)

    compareAccumulators(observations)
}

/// Whether a closed cell without a row traps: always. (This check found `takeClosed` forgetting
/// series unseen for `baselineLifetime` before it captured the slots' keys, so their rows in the
/// minutes it closed were lost; fixed in `takeClosed`.)
let strict = true

/// The rows of the minutes `takeClosed(now:)` takes: one per cell that holds a sample.
func closedRows(_ accumulator: inout MinuteAccumulator, now: Int64) -> [MinuteRow] {
    let closed = accumulator.takeClosed(now: now)
    let rows = closed.rows()
    if rows.count != closed.cellCount {
        if strict { fatalError("takeClosed(now: \(now)) closed \(closed.cellCount) cells but they make \(rows.count) rows") }
        if trace { print("  takeClosed(now: \(now)): \(closed.cellCount - rows.count) of \(closed.cellCount) cells lost their series") }
    }
    return rows
}

/// The same samples, each series' in time order (the first of equal times), into a
/// `MinuteAccumulator` that forgets nothing and closes once, and into an `OrderedAccumulator`:
/// "the rows `MinuteAccumulator` makes of the same samples", bit for bit.
func compareAccumulators(_ observations: [SampleMapper.Observation]) {
    var bySeries: [SeriesKey: [SampleMapper.Observation]] = [:]
    var order: [SeriesKey] = []
    for o in observations {
        if bySeries[o.series] == nil { order.append(o.series) }
        bySeries[o.series, default: []].append(o)
    }
    var minute = MinuteAccumulator(baselineLifetime: .max)
    var ordered = OrderedAccumulator()
    for series in order {
        var last: Int64?
        for o in bySeries[series]!.enumerated().sorted(by: { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }).map(\.element) {
            guard o.at != last else { continue }
            last = o.at
            minute.observe(o.series, value: o.value, at: o.at)
            ordered.observe(o.series, value: o.value, at: o.at)
        }
    }
    let minuteRows = minute.takeClosed(now: SampleTime.latest + 3_600_000).rows()
    let orderedRows = ordered.takeAll()
    func key(_ row: MinuteRow) -> String { "\(row.series.canonical) \(row.series.kind.rawValue) \(row.minute)" }
    var expected: [String: MinuteRow] = [:]
    for row in orderedRows { expected[key(row)] = row }
    guard minuteRows.count == orderedRows.count, expected.count == orderedRows.count else {
        fatalError("MinuteAccumulator made \(minuteRows.count) rows, OrderedAccumulator \(orderedRows.count) (\(expected.count) distinct)")
    }
    for row in minuteRows {
        guard let other = expected[key(row)] else { fatalError("only MinuteAccumulator made \(describe(row))") }
        guard same(row, other) else { fatalError("the accumulators disagree:\n  minute:  \(describe(row))\n  ordered: \(describe(other))") }
    }
}

/// `rows` through the spool's encoding and back: the same rows, bit for bit.
func roundTrip(_ rows: [MinuteRow]) {
    guard !rows.isEmpty else { return }
    let encoded: [UInt8]
    do { encoded = try SpoolPayload.encode(rows) } catch { fatalError("SpoolPayload.encode refused \(rows.count) rows: \(error)") }
    let decoded: [MinuteRow]
    do { decoded = try SpoolPayload.decode(encoded) } catch {
        fatalError("SpoolPayload.decode refused what encode wrote: \(error)\n\(String(decoding: encoded.prefix(4096), as: UTF8.self))")
    }
    guard decoded.count == rows.count else { fatalError("\(rows.count) rows came back as \(decoded.count)") }
    for (row, back) in zip(rows, decoded) where !same(row, back) {
        fatalError("a row changed in the spool:\n  \(describe(row))\n  \(describe(back))\n\(String(decoding: encoded.prefix(4096), as: UTF8.self))")
    }
}

func same(_ a: Double, _ b: Double) -> Bool { a.isNaN ? b.isNaN : a.bitPattern == b.bitPattern }

func same(_ a: Double?, _ b: Double?) -> Bool {
    switch (a, b) {
    case (nil, nil): true
    case let (x?, y?): same(x, y)
    default: false
    }
}

func same(_ a: MinuteRow, _ b: MinuteRow) -> Bool {
    a.series == b.series && a.series.metric == b.series.metric && a.series.labels == b.series.labels && a.series.kind == b.series.kind
        && a.minute == b.minute && same(a.increase, b.increase) && same(a.min, b.min) && same(a.max, b.max) && same(a.sum, b.sum)
        && a.count == b.count && same(a.last, b.last) && a.lastTimestamp == b.lastTimestamp
}

func describe(_ value: Double?) -> String {
    guard let value else { return "nil" }
    return "\(value) (0x\(String(value.bitPattern, radix: 16)))"
}

func describe(_ row: MinuteRow) -> String {
    "\(row.series.canonical) \(row.series.kind.rawValue) minute=\(row.minute) increase=\(describe(row.increase)) min=\(describe(row.min))"
        + " max=\(describe(row.max)) sum=\(describe(row.sum)) count=\(row.count) last=\(describe(row.last)) at=\(row.lastTimestamp)"
}
