import AsyncHTTPClient
import Core
import Crypto
import Exposition
import Foundation
import Ingest
import Logging
import NIOCore
import PostgresNIO
import Storage

/// `hms-ops import prometheus`: the raw samples a running Prometheus stored, pulled over its HTTP
/// API in time chunks (a range-vector selector per chunk through `/api/v1/query`, so the samples
/// are the stored ones, not step-interpolated), into the same minute rows the collector writes.
/// Each chunk done is recorded; an interrupted import run again resumes one chunk before where it
/// stopped (that chunk only rebuilds counter baselines: its minutes are already stored).
public struct PrometheusImport: Sendable {
    /// Base URL, e.g. `http://127.0.0.1:9090`.
    public var url: String
    /// Milliseconds since the epoch; `from` is rounded down and `to` up to whole minutes.
    public var from: Int64
    public var to: Int64
    /// Series selectors; all series when empty.
    public var matchers: [String]
    /// Length of one request's window, a whole number of minutes.
    public var chunk: Int64
    /// Sets `job` on series that have none.
    public var service: String?

    /// Largest response body taken; a larger one asks for a shorter `--chunk`.
    public static let maximumResponseBytes = 512 << 20

    public init(url: String, from: Int64, to: Int64, matchers: [String] = [], chunk: Int64 = 3_600_000, service: String? = nil) {
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.from = RangePlan.floor(from, MinuteTime.length)
        self.to = RangePlan.floor(to + MinuteTime.length - 1, MinuteTime.length)
        self.matchers = matchers.isEmpty ? ["{__name__=~\".+\"}"] : matchers
        self.chunk = max(MinuteTime.length, RangePlan.floor(chunk, MinuteTime.length))
        self.service = service
    }

    /// How far an import has come.
    public struct Progress: Sendable {
        public var chunk: Int
        public var chunks: Int
        /// End of the chunk just written (milliseconds).
        public var through: Int64
        public var samples: Int
        /// Set on the first report when an earlier run's chunks were skipped.
        public var resumedAt: Int64?
    }

    /// What identifies this import in `import_progress`: the same source, selectors and window.
    var source: String { "prometheus \(url) \(matchers.joined(separator: " ")) [\(from), \(to)) job=\(service ?? "")" }
    package var key: String { Hex.sha256(Data(source.utf8)) }

    public func run(into sink: inout BackfillSink, postgres: PostgresClient, logger: Logger, progress: (Progress) -> Void = { _ in }) async throws
        -> ImportSummary
    {
        guard to > from else { throw ImportError.emptyRange }
        let types = try await metadata()
        var start = from
        var resumedAt: Int64?
        let progressTable = ImportProgress(postgres: postgres, logger: logger)
        if let done = try await progressTable.doneThrough(key: key), done > from {
            // One chunk back: its samples rebuild the counter baselines; its rows are stored already.
            start = max(from, min(done, to) - chunk)
            resumedAt = min(done, to)
        }
        let chunks = Int((to - start + chunk - 1) / chunk)
        var lookup = [[String: String]: SeriesKey?]()
        for (index, chunkStart) in stride(from: start, to: to, by: Int(chunk)).enumerated() {
            let chunkEnd = min(chunkStart + chunk, to)
            for matcher in matchers {
                let series = try await fetch(matcher, from: chunkStart, to: chunkEnd)
                for result in series {
                    let key: SeriesKey?
                    if let known = lookup[result.metric] {
                        key = known
                    } else {
                        key = seriesKey(result.metric, types: types)
                        if lookup.count > 1_000_000 { lookup.removeAll() }
                        lookup[result.metric] = key
                    }
                    guard let key else { continue }
                    for point in result.values ?? [] where point.at >= chunkStart && point.at < chunkEnd {
                        try await sink.add(key, value: point.value, at: point.at)
                    }
                }
            }
            // Chunks end on whole minutes: no later sample can fall in a minute still open.
            try await sink.closeMinutes()
            try await progressTable.record(key: key, source: source, doneThrough: chunkEnd)
            progress(
                Progress(chunk: index + 1, chunks: chunks, through: chunkEnd, samples: sink.summary.samples, resumedAt: index == 0 ? resumedAt : nil))
        }
        return try await sink.finish()
    }

    /// The series a result's labels name: typed by Prometheus' metadata where it has the family,
    /// else by its name as remote-write does.
    func seriesKey(_ metric: [String: String], types: [String: MetricType]) -> SeriesKey? {
        guard let name = metric["__name__"], !name.isEmpty else { return nil }
        var labels = metric.compactMap { $0.key == "__name__" || $0.value.isEmpty ? nil : Label($0.key, $0.value) }
        if let service, !labels.contains(where: { $0.name == "job" }) { labels.append(Label("job", service)) }
        guard let (family, type) = Self.family(of: name, types: types) else {
            return SampleMapper.seriesKey(named: name, labels: labels)
        }
        let sample = ExpositionSample(name: name, labels: labels, value: 0, timestamp: nil, exemplar: nil, line: 0)
        return SampleMapper.seriesKey(
            for: sample, in: MetricFamily(name: family, type: type, help: nil, unit: nil, samples: []), openMetrics: true, targetLabels: [],
            honorLabels: true)
    }

    /// The family a stored series belongs to: its own name, or its name without a sample suffix.
    static func family(of name: String, types: [String: MetricType]) -> (String, MetricType)? {
        if let type = types[name] { return (name, type) }
        for suffix in ["_bucket", "_count", "_sum", "_total", "_created", "_gcount", "_gsum", "_info"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if let type = types[base] { return (base, type) }
        }
        return nil
    }

    // MARK: HTTP API

    struct Envelope<Payload: Decodable>: Decodable {
        var status: String
        var data: Payload?
        var errorType: String?
        package var error: String?
    }

    struct Metadata: Decodable {
        package var type: String
    }

    struct Matrix: Decodable {
        var resultType: String
        var result: [Series]
    }

    struct Series: Decodable {
        var metric: [String: String]
        var values: [Point]?
    }

    /// `[<seconds>, "<value>"]`, kept as milliseconds and a number.
    struct Point: Decodable {
        package var at: Int64
        package var value: Double

        package init(from decoder: any Decoder) throws {
            var pair = try decoder.unkeyedContainer()
            let seconds = try pair.decode(Double.self)
            let text = try pair.decode(String.self)
            // A time no clock gives (1e300, NaN) is refused, not trapped on.
            guard seconds.isFinite, abs(seconds) < 1e12, case let ms = Int64((seconds * 1000).rounded()), SampleTime.allows(ms) else {
                throw DecodingError.dataCorruptedError(in: pair, debugDescription: "a sample's time \(seconds) is not between 1970 and 9999")
            }
            at = ms
            switch text {
            case "NaN": value = .nan
            case "+Inf", "Inf": value = .infinity
            case "-Inf": value = -.infinity
            default:
                guard let number = Double(text) else {
                    throw DecodingError.dataCorruptedError(in: pair, debugDescription: "sample value \(text.prefix(40)) is not a number")
                }
                value = number
            }
        }
    }

    /// Metric families and their types, from `/api/v1/metadata`.
    package func metadata() async throws -> [String: MetricType] {
        let families: [String: [Metadata]] = try await get("/api/v1/metadata", [])
        var types: [String: MetricType] = [:]
        for (name, entries) in families {
            guard let text = entries.first?.type else { continue }
            types[name] = text == "untyped" ? .unknown : MetricType(rawValue: text) ?? .unknown
        }
        return types
    }

    /// The stored samples of `matcher` in [from, to): a range selector ending 1 ms before `to`.
    func fetch(_ matcher: String, from: Int64, to: Int64) async throws -> [Series] {
        let at = to - 1
        let query = "\(matcher)[\(to - from)ms]"
        let time = "\(at / 1000).\(String(at % 1000).leftPad(3))"
        let matrix: Matrix = try await get("/api/v1/query", [("query", query), ("time", time)])
        guard matrix.resultType == "matrix" else { throw ImportError.notAMatrix(url: url, query: query, resultType: matrix.resultType) }
        return matrix.result
    }

    func get<Payload: Decodable>(_ path: String, _ parameters: [(String, String)]) async throws -> Payload {
        var request = HTTPClientRequest(url: url + path)
        request.headers.add(name: "User-Agent", value: "hms-ops")
        if !parameters.isEmpty {
            // A form body: selectors can be long, and the metadata endpoint takes GET only.
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: parameters.map { Self.formEncode($0) + "=" + Self.formEncode($1) }.joined(separator: "&")))
        }
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await ExpositionSource.client.execute(request, timeout: .minutes(5))
            body = try await response.body.collect(upTo: Self.maximumResponseBytes)
        } catch is NIOTooManyBytesError {
            throw ImportError.answerTooLarge(url: url + path, limitBytes: Self.maximumResponseBytes)
        } catch {
            throw ImportError.network(url: url + path, failure: NetworkFailure.describe(error))
        }
        let envelope: Envelope<Payload>
        do {
            envelope = try JSONDecoder().decode(Envelope<Payload>.self, from: Data(buffer: body))
        } catch is DecodingError where (try? JSONSerialization.jsonObject(with: Data(buffer: body), options: [.fragmentsAllowed])) != nil {
            throw ImportError.notPrometheus(url: url + path, status: response.status.code, detail: "JSON, but not in the shape of its API's answers")
        } catch {
            throw ImportError.notPrometheus(url: url + path, status: response.status.code, detail: "not JSON")
        }
        if envelope.status == "success", envelope.data == nil {
            throw ImportError.notPrometheus(url: url + path, status: response.status.code, detail: "it said success but sent no data")
        }
        guard envelope.status == "success", let data = envelope.data else {
            throw ImportError.refused(
                url: url + path, errorType: envelope.errorType ?? "error", message: envelope.error ?? "HTTP \(response.status.code)")
        }
        return data
    }

    /// `application/x-www-form-urlencoded`: everything but unreserved characters percent-encoded.
    static func formEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPad(2)
            }
        }
        return out
    }
}

extension String {
    /// Padded on the left with zeros to `width` characters.
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
