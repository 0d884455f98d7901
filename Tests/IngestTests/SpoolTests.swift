import Foundation
import Testing

@testable import Core
@testable import Ingest
@testable import Storage

/// The disk spool: records come back whole and in order; a torn tail is found, reported and
/// overwritten, never trusted.
@Suite("Spool")
struct SpoolTests {
    func freshPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UInt32.random(in: 0...UInt32.max))").path
    }

    @Test func recordsComeBackInOrder() throws {
        let spool = Spool(path: freshPath())
        defer { try? FileManager.default.removeItem(atPath: spool.path) }
        #expect(spool.isEmpty)
        for text in ["one", "two", "", "four"] { try spool.append(Array(text.utf8)) }
        let contents = try spool.read()
        #expect(contents.records.map { String(decoding: $0, as: UTF8.self) } == ["one", "two", "", "four"])
        #expect(contents.tornAt == nil)
        try spool.clear()
        #expect(spool.isEmpty)
    }

    @Test(arguments: [1, 5, 11, 13, 17])
    func aTornTailIsDetectedAndOverwritten(cut: Int) throws {
        let path = freshPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Spool(path: path).append(Array("kept".utf8))
        try Spool(path: path).append(Array("torn record".utf8))
        // A crash mid-append: the file ends `cut` bytes into the second record.
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        truncate(path, off_t(size - (12 + 11) + cut))
        let fresh = Spool(path: path)  // as after a restart
        let contents = try fresh.read()
        #expect(contents.records == [Array("kept".utf8)])
        #expect(contents.tornAt == 12 + 4)
        try fresh.append(Array("next".utf8))
        #expect(try fresh.read().records == [Array("kept".utf8), Array("next".utf8)])
    }

    @Test func aFlippedByteFailsTheChecksum() throws {
        let path = freshPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Spool(path: path).append(Array("payload".utf8))
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 1] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let contents = try Spool(path: path).read()
        #expect(contents.records.isEmpty && contents.tornAt == 0)
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    /// Every float a row may hold comes back from the spool bit for bit: plain JSON has no
    /// +Inf, and one +Inf gauge once made a whole batch unspoolable (lost at shutdown).
    @Test func spooledRowsKeepEveryFloatExactly() throws {
        let values: [Double] = [
            0.1, -0.0, 0, 1e308, -1e308, .greatestFiniteMagnitude, .leastNonzeroMagnitude, 5e-324, 1.0 / 3, .infinity, -.infinity, .nan,
        ]
        let series = SeriesKey(metric: "g", labels: [Label("a", "\"\\\n\u{1}")], kind: .gauge)
        let rows = values.enumerated().map { index, value in
            MinuteRow(
                series: series, minute: Int64(index) * 60_000, increase: value, min: value, max: nil, sum: value, count: 1, last: value,
                lastTimestamp: Int64(index) * 60_000 + 1)
        }
        let back = try SpoolPayload.decode(try SpoolPayload.encode(rows))
        #expect(back.count == rows.count)
        for (row, read) in zip(rows, back) {
            for (a, b) in [(row.increase, read.increase), (row.min, read.min), (row.sum, read.sum), (row.last, read.last)] {
                let (x, y) = (try #require(a), try #require(b))
                #expect(x.isNaN ? y.isNaN : x.bitPattern == y.bitPattern, "\(x) came back as \(y)")
            }
            #expect(read.max == nil && read.series == series && read.lastTimestamp == row.lastTimestamp)
        }
    }
}
