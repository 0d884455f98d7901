import Foundation
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing

@testable import Config
@testable import HTTPAPI
@testable import Ingest
@testable import SLAService

/// `POST /api/v1/write` over HTTP, with the pipeline's clock fixed.
@Suite("Remote-write route")
struct RemoteWriteRouteTests {
    static let now: Int64 = 1_790_856_180_000

    /// One series (`__name__` = `name`) with samples `(value, ms)`, as a WriteRequest protobuf
    /// in a snappy block of one literal: the smallest a sender may send.
    static func body(_ name: String, _ samples: [(Double, Int64)]) -> ByteBuffer {
        func varint(_ value: UInt64) -> [UInt8] {
            var v = value, out: [UInt8] = []
            while v >= 0x80 {
                out.append(UInt8(v & 0x7f) | 0x80)
                v >>= 7
            }
            return out + [UInt8(v)]
        }
        func message(_ field: UInt64, _ bytes: [UInt8]) -> [UInt8] { varint(field << 3 | 2) + varint(UInt64(bytes.count)) + bytes }
        var series = message(1, message(1, Array("__name__".utf8)) + message(2, Array(name.utf8)))
        for (value, ms) in samples {
            let double = (0..<8).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) }
            series += message(2, [0x09] + double + [0x10] + varint(UInt64(bitPattern: ms)))
        }
        let request = message(1, series)
        precondition(request.count <= 256, "a literal tag with one length byte holds up to 256 bytes")
        return ByteBuffer(bytes: varint(UInt64(request.count)) + [60 << 2, UInt8(request.count - 1)] + request)
    }

    /// A sender whose clock runs ahead: its samples beyond the limit are refused with a 400
    /// that says why (as Prometheus answers samples it cannot store), the others are kept.
    @Test func samplesStampedAheadOfOurClockAreRefusedAndTheRestKept() async throws {
        let pipeline = IngestPipeline(writer: nil, grace: 0, logger: TestDatabase.logger, now: { Self.now })
        var config = DemoConfig.make(demoPort: 8000)
        config.adminToken = "write-token-0123456789"
        let app = buildApplication(config, dependencies: .init(pipeline: pipeline), logger: TestDatabase.logger)
        try await app.test(.router) { http in
            let headers: HTTPFields = [
                .authorization: "Bearer write-token-0123456789", .contentEncoding: "snappy", .contentType: "application/x-protobuf",
            ]
            try await http.execute(
                uri: "/api/v1/write", method: .post, headers: headers, body: Self.body("jobs_total", [(1, Self.now - 30_000), (2, Self.now)])
            ) { #expect($0.status == .noContent) }
            try await http.execute(
                uri: "/api/v1/write", method: .post, headers: headers,
                body: Self.body("jobs_total", [(3, Self.now + 60_000), (9, Self.now + 3_600_000)])
            ) { response in
                #expect(response.status == .badRequest)
                let text = String(buffer: response.body)
                #expect(text.contains("1 of 2 samples were not stored (the others were): 1 stamped more than 5 minutes ahead of this server's clock"))
            }
        }
        let (ahead, states) = pipeline.accumulator.withLock { ($0.aheadSamples, $0.states) }
        #expect(ahead == 1)
        #expect(states.first { $0.key.metric == "jobs_total" }?.value.baseline?.value == 3, "the sample an hour ahead is not the baseline")
    }

    /// Timestamps no clock can give (Int64's ends, before 1970) and names storage cannot keep
    /// (a NUL) are refused with a 400 that says which and why; the server stays up, and the
    /// good samples of the same request are kept.
    @Test(arguments: [
        ("jobs_total", Int64.min, "stamped before 1970 or after 9999"),
        ("jobs_total", Int64.max, "stamped more than 5 minutes ahead"),
        ("jobs_total", -1, "stamped before 1970 or after 9999"),
        ("jobs\u{0}total", 1_790_856_170_000, "NUL character"),
    ])
    func impossibleTimesAndUnstorableNamesAreRefused(_ name: String, _ at: Int64, _ message: String) async throws {
        let pipeline = IngestPipeline(writer: nil, grace: 0, logger: TestDatabase.logger, now: { Self.now })
        var config = DemoConfig.make(demoPort: 8000)
        config.adminToken = "write-token-0123456789"
        let registry = PrometheusCollectorRegistry()
        let app = buildApplication(config, dependencies: .init(pipeline: pipeline, registry: registry), logger: TestDatabase.logger)
        try await app.test(.router) { http in
            let headers: HTTPFields = [
                .authorization: "Bearer write-token-0123456789", .contentEncoding: "snappy", .contentType: "application/x-protobuf",
            ]
            try await http.execute(uri: "/api/v1/write", method: .post, headers: headers, body: Self.body(name, [(1, at)])) { response in
                #expect(response.status == .badRequest)
                let text = String(buffer: response.body)
                #expect(text.contains("1 of 1 samples were not stored"))
                #expect(text.contains(message), "\(text)")
                #expect(!text.contains("\u{0}"))
            }
            try await http.execute(
                uri: "/api/v1/write", method: .post, headers: headers, body: Self.body("jobs_total", [(2, Self.now - 1_000)])
            ) { #expect($0.status == .noContent) }
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        let metrics = String(decoding: buffer, as: UTF8.self)
        #expect(metrics.contains(#"hms_samples_ingested_total{source="remote_write"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"hms_samples_dropped_total{source="remote_write",reason=""#) && metrics.contains("\"} 1\n"))
        let states = pipeline.accumulator.withLock { $0.states }
        #expect(states.count == 1)
        #expect(states.first?.key.metric == "jobs_total")
    }
}
