import NIOCore
import TestSupport
import Testing

@testable import Ingest

/// The scrape client's HTTP/1.1 response reader, fed answers written by hand: whole, a byte at a
/// time, and split at every place (what a connection's reads may do).
@Suite("HTTP response reader")
struct HTTPResponseReaderTests {
    typealias Reader = HTTPResponseReader

    /// Reads `bytes` as the reads `splits` cut them into; the answer, and what was left after it.
    static func read(_ bytes: [UInt8], cuts: [Int] = [], limit: Int = 1 << 20, close: Bool = false) throws -> (Reader.Response?, Int) {
        var reader = Reader(limit: limit)
        var start = 0
        for end in cuts.filter({ $0 > 0 && $0 < bytes.count }) + [bytes.count] {
            var buffer = ByteBuffer(bytes: bytes[start..<end])
            start = end
            if let response = try reader.read(&buffer) { return (response, buffer.readableBytes + bytes.count - end) }
        }
        return (close ? try reader.closed() : nil, 0)
    }

    /// The same answer whole, a byte at a time, and cut in two at every place.
    static func readEveryWay(_ text: String, close: Bool = false) throws -> Reader.Response {
        try readEveryWay(Array(text.utf8), close: close)
    }

    static func readEveryWay(_ bytes: [UInt8], close: Bool = false) throws -> Reader.Response {
        let (whole, _) = try read(bytes, close: close)
        let response = try #require(whole)
        let (single, _) = try read(bytes, cuts: Array(1..<bytes.count), close: close)
        #expect(single?.body == response.body)
        for cut in 1..<bytes.count {
            let (split, _) = try read(bytes, cuts: [cut], close: close)
            #expect(split?.body == response.body && split?.status == response.status, "cut at \(cut)")
        }
        return response
    }

    @Test func aBodyOfKnownLength() throws {
        let response = try Self.readEveryWay(
            "HTTP/1.1 200 OK\r\ncontent-TYPE: text/plain; version=0.0.4\r\nContent-Length:  6 \r\nX-Other: a:b\r\n\r\nup 1\n\n")
        #expect(response.status == 200)
        #expect(response.body == Array("up 1\n\n".utf8))
        #expect(response.contentType == "text/plain; version=0.0.4")
        #expect(response.keepAlive)
    }

    @Test func chunksWithExtensionsAndTrailers() throws {
        let response = try Self.readEveryWay(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5;name=value\r\nup 1\n\r\nA \r\n0123456789\r\n0\r\nX-Checksum: 1\r\n\r\n")
        #expect(response.body == Array("up 1\n0123456789".utf8))
        #expect(response.keepAlive)
    }

    @Test func bareLineFeedsAndInterimAnswers() throws {
        let response = try Self.readEveryWay("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\nContent-Length: 2\n\nok")
        #expect(response.status == 200 && response.body == Array("ok".utf8))
        let empty = try Self.readEveryWay("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n")
        #expect(empty.status == 204 && empty.body.isEmpty)
    }

    @Test func howTheConnectionEnds() throws {
        // HTTP/1.0 closes unless it says keep-alive; a body without a length runs to the close.
        let closing = try Self.readEveryWay("HTTP/1.0 200 OK\r\n\r\nup 1\n", close: true)
        #expect(closing.body == Array("up 1\n".utf8) && !closing.keepAlive)
        #expect(try Self.readEveryWay("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").keepAlive)
        #expect(try !Self.readEveryWay("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok").keepAlive)
        #expect(try !Self.readEveryWay("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").keepAlive)
        // What follows an answer is left for the caller.
        let (_, left) = try Self.read(Array("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1".utf8))
        #expect(left == 8)
        // Cut short: an error, not a short body.
        var reader = Reader(limit: 100)
        var part = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nup")
        #expect(try reader.read(&part) == nil)
        #expect(throws: Reader.Truncated.self) { try reader.closed() }
        var fresh = Reader(limit: 100)
        #expect(try fresh.closed() == nil)  // nothing had come
    }

    @Test func gzipIsUnpacked() throws {
        let plain = Array(String(repeating: "bench_requests_total{code=\"200\"} 12345\n", count: 2_000).utf8)
        let packed = try Gzip.compress(plain)
        let head = Array("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: \(packed.count)\r\n\r\n".utf8)
        let (whole, _) = try Self.read(head + packed)
        #expect(whole?.body == plain)
        let (pieces, _) = try Self.read(head + packed, cuts: Array(stride(from: 7, to: head.count + packed.count, by: 97)))
        #expect(pieces?.body == plain)
        // Two members read as one body, as gzip itself reads them.
        let twice = packed + (try Gzip.compress(Array("tail 1\n".utf8)))
        let (joined, _) = try Self.read(Array("HTTP/1.1 200 OK\r\nContent-Encoding: x-gzip\r\nContent-Length: \(twice.count)\r\n\r\n".utf8) + twice)
        #expect(joined?.body == plain + Array("tail 1\n".utf8))
        // Larger than the limit once unpacked; damaged; cut before its end.
        #expect(throws: Reader.TooBig.self) { try Self.read(head + packed, limit: plain.count - 1) }
        var damaged = packed
        damaged[packed.count / 2] ^= 0xFF
        damaged[packed.count / 2 + 1] ^= 0xFF
        #expect(throws: Reader.Malformed.self) { try Self.read(head + damaged) }
        let short = Array(packed.prefix(packed.count - 8))
        let shortHead = Array("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: \(short.count)\r\n\r\n".utf8)
        #expect(throws: Reader.Malformed.self) { try Self.read(shortHead + short) }
    }

    @Test(arguments: [
        ("HTTP/2 200 OK\r\n\r\n", "not an HTTP/1.x answer"),
        ("HTTP/1.1 20 OK\r\n\r\n", "bad status line"),
        ("HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nx", "bad header line"),
        ("HTTP/1.1 200 OK\r\n folded\r\n\r\n", "bad header line"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx", "bad Content-Length"),
        ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "bad Content-Length"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\nup 1\n\r\n0\r\n\r\n", "bad chunk size"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nup 1\n\r\n0\r\n\r\n", "chunk data longer than its size"),
        ("HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 1\r\n\r\nx", "unsupported Content-Encoding \"br\""),
        ("HTTP/1.1 101 Switching Protocols\r\n\r\n", "switched protocols"),
    ])
    func malformedAnswersSayWhat(answer: String, says: String) throws {
        #expect { try Self.read(Array(answer.utf8)) } throws: { "\($0)".contains(says) }
    }

    @Test func everythingIsBounded() throws {
        // A head that never ends, a chunk-size line that never ends, a body over the limit
        // (declared, or sent in chunks).
        let endless = "HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: 70_000)
        #expect { try Self.read(Array(endless.utf8)) } throws: { "\($0)".contains("head larger than 64 KB") }
        let sizeLine = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + String(repeating: "0", count: 5_000)
        #expect { try Self.read(Array(sizeLine.utf8)) } throws: { "\($0)".contains("longer than 4 KB") }
        #expect(throws: Reader.TooBig.self) { try Self.read(Array("HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n".utf8), limit: 100) }
        let chunks = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + String(repeating: "10\r\n0123456789abcdef\r\n", count: 10)
        #expect(throws: Reader.TooBig.self) { try Self.read(Array(chunks.utf8), limit: 100) }
        // Bytes that cannot be printed are escaped in what the error says.
        #expect { try Self.read(Array("HTTP/1.1 2\u{1}0 OK\r\n\r\n".utf8)) } throws: { "\($0)".contains("\\x01") }
    }
}
