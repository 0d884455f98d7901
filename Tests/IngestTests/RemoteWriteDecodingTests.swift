import Testing

@testable import Core
@testable import Ingest
@testable import Storage

/// Snappy blocks and WriteRequest protobufs built by hand from the formats' descriptions, and
/// hostile ones: every malformed input is an error, never a trap or a huge allocation.
@Suite("Remote-write decoding")
struct RemoteWriteDecodingTests {
    @Test func snappyLiteralsAndOverlappingCopies() throws {
        // "abc" as a literal, then a copy of 9 bytes from 3 back: "abcabcabcabc".
        let block: [UInt8] = [12, 2 << 2, 97, 98, 99, (9 - 4) << 2 | 1, 3]
        #expect(try Snappy.decompress(block, maximumLength: 100) == Array("abcabcabcabc".utf8))
        // A 70-byte literal needs a length byte after the tag.
        let long = [UInt8](repeating: 120, count: 70)
        #expect(try Snappy.decompress([70, 60 << 2, 69] + long, maximumLength: 100) == long)
    }

    static let badBlocks: [[UInt8]] = [
        [],  // no header
        [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 1],  // runaway varint
        [0xff, 0xff, 0xff, 0x7f],  // declares far more than allowed
        [5, 4 << 2, 97],  // literal longer than the input
        [4, 0, 97, 1 | (0 << 2), 0],  // copy with offset 0
        [8, 0, 97, 1 | (3 << 2), 9],  // copy from before the start
        [3, 0, 97],  // ends before the declared length
    ]

    @Test(arguments: badBlocks)
    func badSnappyIsAnError(_ block: [UInt8]) {
        #expect(throws: IngestError.self) { try Snappy.decompress(block, maximumLength: 1 << 20) }
    }

    static func field(_ number: Int, _ bytes: [UInt8]) -> [UInt8] { [UInt8(number << 3 | 2)] + varint(bytes.count) + bytes }
    static func varint(_ value: Int) -> [UInt8] {
        var v = UInt64(value), out: [UInt8] = []
        while v >= 0x80 {
            out.append(UInt8(v & 0x7f) | 0x80)
            v >>= 7
        }
        return out + [UInt8(v)]
    }
    static func label(_ name: String, _ value: String) -> [UInt8] { field(1, field(1, Array(name.utf8)) + field(2, Array(value.utf8))) }
    static func sample(_ value: Double, _ ms: Int) -> [UInt8] {
        var bits = value.bitPattern, double: [UInt8] = []
        for _ in 0..<8 {
            double.append(UInt8(bits & 0xff))
            bits >>= 8
        }
        return field(2, [1 << 3 | 1] + double + [2 << 3] + varint(ms))
    }

    @Test func writeRequestsBecomeObservationsWithKindsFromNames() throws {
        let bucket = Self.field(
            1, Self.label("__name__", "rpc_ms_bucket") + Self.label("le", "250.0") + Self.label("job", "api") + Self.sample(7, 1_790_856_000_000))
        let total = Self.field(
            1, Self.label("__name__", "rpc_total") + Self.label("job", "api") + Self.sample(1, 1_790_856_000_000) + Self.sample(3, 1_790_856_015_000))
        // [0x58, 1]: an unknown field (11), skipped.
        let gauge = Self.field(1, Self.label("job", "api") + Self.label("__name__", "queue") + [0x58, 1] + Self.sample(2.5, 1_790_856_000_000))
        let request = try WriteRequest(decoding: bucket + total + gauge + Self.field(3, [8, 1]))  // metadata is skipped
        let observations = request.observations().kept
        #expect(observations.map(\.series.metric) == ["rpc_ms_bucket", "rpc_total", "rpc_total", "queue"])
        #expect(observations.map(\.series.kind) == [.histogramBucket, .counter, .counter, .untyped])
        #expect(observations[0].series.labels == [Label("job", "api"), Label("le", "250")])
        #expect(observations.map(\.value) == [7, 1, 3, 2.5])
        #expect(observations[2].at == 1_790_856_015_000)
    }

    static let badRequests: [[UInt8]] = [
        [0x0a, 0x05, 0x0a],  // a series longer than the request
        [0x0a, 0x02, 0x0a, 0x7f],  // a label longer than its series
        [0x00],  // field 0
        [0x0b],  // wire type 3 (groups) is not accepted
        [0x0a, 0x04, 0x0a, 0x02, 0x0a, 0x00, 0x11],  // an unknown fixed64 field cut short
    ]

    @Test(arguments: badRequests)
    func badProtobufIsAnError(_ bytes: [UInt8]) {
        #expect(throws: IngestError.self) { _ = try WriteRequest(decoding: bytes) }
    }
}
