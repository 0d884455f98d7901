import NIOCore
import PostgresNIO
import Testing

@testable import SLAService
@testable import Storage

/// Arrays bound in one pass are the bytes PostgresNIO's own array encoding sends, and
/// PostgreSQL reads back every value, NaN and infinities included.
@Suite("Packed array parameters")
struct PackedArrayTests {
    static let doubles: [Double] = [0, -0.0, 1.5, -2.25e300, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
    static let longs: [Int64] = [0, 1, -1, .max, .min, 1 << 40]
    static let ints: [Int32] = [0, 7, -7, .max, .min]

    static func bytes(_ value: some PostgresNonThrowingEncodable) -> ByteBuffer {
        var buffer = ByteBuffer()
        value.encode(into: &buffer, context: .default)
        return buffer
    }

    @Test func theBytesAreThoseOfPostgresNIOsArrays() {
        #expect(Self.bytes(PackedArray(Self.doubles)) == Self.bytes(Self.doubles))
        #expect(Self.bytes(PackedArray(Self.longs)) == Self.bytes(Self.longs))
        #expect(Self.bytes(PackedArray(Self.ints)) == Self.bytes(Self.ints))
        #expect(Self.bytes(PackedArray([Double]())) == Self.bytes([Double]()))
        // Slices are sent as one array, in order.
        let sliced = PackedArray([Self.doubles[2..<5], Self.doubles[0..<1], Self.doubles[7...]])
        #expect(Self.bytes(sliced) == Self.bytes(Array(Self.doubles[2..<5] + Self.doubles[0..<1] + Self.doubles[7...])))
    }

    @Test func postgresReadsEveryValueBack() async throws {
        try await TestDatabase.withClient { client, _ in
            var binds = PostgresBindings()
            binds.append(PackedArray(Self.doubles))
            binds.append(PackedArray(Self.longs))
            binds.append(PackedArray(Self.ints))
            let rows = try await client.query(
                PostgresQuery(unsafeSQL: "SELECT $1::float8[], $2::int8[], $3::int4[], cardinality($1::float8[])", binds: binds),
                logger: TestDatabase.logger)
            for try await (doubles, longs, ints, count) in rows.decode(([Double], [Int64], [Int32], Int32).self) {
                #expect(doubles.map(\.bitPattern) == Self.doubles.map(\.bitPattern))
                #expect(longs == Self.longs)
                #expect(ints == Self.ints)
                #expect(count == Int32(Self.doubles.count))
            }
        }
    }
}
