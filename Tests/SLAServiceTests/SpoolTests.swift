import Foundation
import Testing

@testable import SLAService

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
}
