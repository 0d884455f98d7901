import CZlib
import Core
import NIOCore

/// Reads one HTTP/1.1 response at a time from the bytes of a connection, as they arrive
/// (RFC 9112): the status line and the few headers a scrape needs, then the body framed by
/// Content-Length, chunked transfer coding or the connection's close, unpacked if gzip. The body
/// is copied once, from the reads into one array (the parser takes an array). Interim (1xx)
/// answers are skipped. Everything is bounded: the head to 64 KB, a chunk-size or trailer line to
/// 4 KB, the body to `limit` before and after unpacking.
///
/// For `ScrapeConnection`, in place of NIO's general decoder, decompressor and their typed parts
/// (a third of the scrape path's own CPU went there).
struct HTTPResponseReader {
    package struct Response: Sendable {
        package var status: Int
        package var contentType: String?
        var location: String?
        package var body: [UInt8]
        /// The connection may carry the next request.
        var keepAlive: Bool
    }

    /// The answer is not HTTP/1.x as a scrape can read it; `description` says where.
    struct Malformed: Error, CustomStringConvertible {
        package var description: String
    }
    /// The body is larger than the limit (packed or unpacked).
    struct TooBig: Error {}
    /// The connection closed before the answer was complete.
    struct Truncated: Error {}

    static let headLimit = 64 << 10
    static let lineLimit = 4 << 10

    package let limit: Int

    private enum Stage {
        /// Gathering a head's bytes until its blank line.
        case head
        /// `remaining` bytes of a body framed by Content-Length.
        case length(remaining: Int)
        /// A chunked body: reading a chunk-size line, a chunk's bytes, the CRLF after them, or the
        /// trailer lines after the last chunk.
        case chunkSize
        case chunk(remaining: Int)
        case chunkEnd
        case trailers
        /// A body that ends with the connection.
        case untilClose
    }

    private var stage = Stage.head
    /// A head, chunk-size line or trailer line gathered so far.
    private var line: [UInt8] = []
    private var head = Head()
    private var body: [UInt8] = []
    private var inflater: Inflater?
    /// Body bytes received (packed, if gzip), and trailer bytes.
    private var received = 0
    private var trailerBytes = 0
    /// Some byte of this answer has come.
    package private(set) var started = false

    package init(limit: Int) { self.limit = limit }

    /// What the head said.
    private struct Head {
        package var status = 0
        var http10 = false
        package var contentType: String?
        var location: String?
        package var contentLength: Int?
        var chunked = false
        var otherTransferCoding = false
        var gzip = false
        package var close = false
        var keepAlive = false
    }

    /// Ready for the next answer.
    mutating func reset() {
        stage = .head
        line = []
        head = Head()
        body = []
        inflater = nil
        received = 0
        trailerBytes = 0
        started = false
    }

    /// Takes what `bytes` holds of the answer; returns the answer once it is complete (anything
    /// after it stays in `bytes`).
    package mutating func read(_ bytes: inout ByteBuffer) throws -> Response? {
        if bytes.readableBytes > 0 { started = true }
        while bytes.readableBytes > 0 {
            switch stage {
            case .head:
                guard try gatherHead(&bytes) else { return nil }
                if let response = try beginBody() { return response }
            case .length(let remaining):
                let taken = try take(&bytes, upTo: remaining)
                if taken == remaining { return try finish() }
                stage = .length(remaining: remaining - taken)
            case .chunkSize:
                guard let size = try gatherLine(&bytes, what: "chunk size") else { return nil }
                let digits = size.prefix { $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
                guard !digits.isEmpty, digits.count <= 15, digits.allSatisfy(\.isHexDigit),
                    let count = Int(String(decoding: digits, as: UTF8.self), radix: 16)
                else { throw Malformed(description: "bad chunk size line \(Self.quoted(size))") }
                stage = count == 0 ? .trailers : .chunk(remaining: count)
            case .chunk(let remaining):
                let taken = try take(&bytes, upTo: remaining)
                stage = taken == remaining ? .chunkEnd : .chunk(remaining: remaining - taken)
            case .chunkEnd:
                guard let end = try gatherLine(&bytes, what: "chunk end") else { return nil }
                guard end.isEmpty else { throw Malformed(description: "chunk data longer than its size") }
                stage = .chunkSize
            case .trailers:
                guard let trailer = try gatherLine(&bytes, what: "trailer") else { return nil }
                if trailer.isEmpty { return try finish() }
                trailerBytes += trailer.count
                guard trailerBytes <= Self.headLimit else { throw Malformed(description: "trailers larger than 64 KB") }
            case .untilClose:
                _ = try take(&bytes, upTo: .max)
            }
        }
        return nil
    }

    /// The connection ended: the answer if its body runs to the close, nil if nothing of an
    /// answer had come; throws `Truncated` if one was cut short.
    package mutating func closed() throws -> Response? {
        switch stage {
        case .untilClose: return try finish()
        case .head where !started: return nil
        default: throw Truncated()
        }
    }

    // MARK: - Head

    /// Gathers head bytes up to the blank line; true once the head is whole and read.
    private mutating func gatherHead(_ bytes: inout ByteBuffer) throws -> Bool {
        let view = bytes.readableBytesView
        // The head ends at an empty line: LF (CR) LF. Look from a little before the new bytes, in
        // case the end straddles two reads.
        var end: Int?
        var previousLF = line.last == UInt8(ascii: "\n") || (line.count >= 2 && line[line.count - 2] == UInt8(ascii: "\n") && line.last == 13)
        var offset = 0
        for byte in view {
            offset += 1
            if byte == UInt8(ascii: "\n") {
                if previousLF {
                    end = offset
                    break
                }
                previousLF = true
            } else if byte != 13 {
                previousLF = false
            }
        }
        let count = end ?? view.count
        guard line.count + count <= Self.headLimit else { throw Malformed(description: "response head larger than 64 KB") }
        line.append(contentsOf: view.prefix(count))
        bytes.moveReaderIndex(forwardBy: count)
        guard end != nil else { return false }
        let text = line
        line = []
        try parseHead(text)
        return true
    }

    private mutating func parseHead(_ text: [UInt8]) throws {
        var lines = text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            line.last == 13 ? line.dropLast() : line
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        // Some servers send an empty line or two before the status line (RFC 9112 §2.2).
        while lines.first?.isEmpty == true { lines.removeFirst() }
        guard let status = lines.first else { throw Malformed(description: "empty response head") }
        let parts = status.split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[1].count == 3, parts[1].allSatisfy({ (48...57).contains($0) }),
            let code = Int(String(decoding: parts[1], as: UTF8.self))
        else { throw Malformed(description: "bad status line \(Self.quoted(status))") }
        switch String(decoding: parts[0], as: UTF8.self) {
        case "HTTP/1.1": head.http10 = false
        case "HTTP/1.0": head.http10 = true
        default: throw Malformed(description: "not an HTTP/1.x answer: \(Self.quoted(status))")
        }
        head.status = code
        for field in lines.dropFirst() {
            guard let colon = field.firstIndex(of: UInt8(ascii: ":")), colon > field.startIndex,
                field[..<colon].allSatisfy({ Self.isTokenByte($0) })
            else {
                throw Malformed(description: "bad header line \(Self.quoted(field))")
            }
            let name = String(decoding: field[..<colon], as: UTF8.self).lowercased()
            let value = Self.trimmed(field[(colon + 1)...])
            switch name {
            case "content-length":
                guard !value.isEmpty, value.count <= 18, value.allSatisfy({ (48...57).contains($0) }),
                    let length = Int(String(decoding: value, as: UTF8.self)), head.contentLength == nil || head.contentLength == length
                else {
                    throw Malformed(description: "bad Content-Length \(Self.quoted(value))")
                }
                head.contentLength = length
            case "transfer-encoding":
                let codings = Self.tokens(value)
                head.chunked = codings.last == "chunked"
                head.otherTransferCoding = !head.chunked && !codings.isEmpty
            case "content-encoding":
                for coding in Self.tokens(value) where coding != "identity" {
                    guard coding == "gzip" || coding == "x-gzip", !head.gzip else {
                        throw Malformed(description: "unsupported Content-Encoding \(Self.quoted(value)) (gzip is asked for)")
                    }
                    head.gzip = true
                }
            case "content-type": head.contentType = String(decoding: value, as: UTF8.self)
            case "location": head.location = String(decoding: value, as: UTF8.self)
            case "connection":
                let options = Self.tokens(value)
                if options.contains("close") { head.close = true }
                if options.contains("keep-alive") { head.keepAlive = true }
            default: break
            }
        }
    }

    /// After a head: an interim answer is skipped, one without a body is complete, anything else
    /// reads its body next.
    private mutating func beginBody() throws -> Response? {
        switch head.status {
        case 101: throw Malformed(description: "the server switched protocols")
        case 100..<200:
            head = Head()
            stage = .head
            return nil
        case 204, 304: return try finish()
        default: break
        }
        if head.gzip { inflater = try Inflater() }
        if head.chunked {
            stage = .chunkSize
        } else if head.otherTransferCoding {
            head.close = true  // RFC 9112 §6.3: read to the close
            stage = .untilClose
        } else if let length = head.contentLength {
            guard length <= limit else { throw TooBig() }
            if !head.gzip { body.reserveCapacity(length) }
            stage = .length(remaining: length)
            if length == 0 { return try finish() }
        } else {
            head.close = true
            stage = .untilClose
        }
        return nil
    }

    // MARK: - Body

    /// Moves up to `count` body bytes out of `bytes` (unpacked if gzip); returns how many.
    private mutating func take(_ bytes: inout ByteBuffer, upTo count: Int) throws -> Int {
        let taken = min(count, bytes.readableBytes)
        try bytes.withUnsafeReadableBytes { raw in
            let part = UnsafeRawBufferPointer(rebasing: raw.prefix(taken))
            received += part.count
            guard received <= limit else { throw TooBig() }
            if let inflater {
                try inflater.inflate(part, into: &body, limit: limit)
            } else {
                guard body.count + part.count <= limit else { throw TooBig() }
                body.append(contentsOf: part)
            }
        }
        bytes.moveReaderIndex(forwardBy: taken)
        return taken
    }

    /// A line (chunk size, chunk end, trailer) without its line end; nil until it is whole.
    private mutating func gatherLine(_ bytes: inout ByteBuffer, what: String) throws -> [UInt8]? {
        let view = bytes.readableBytesView
        let end = view.firstIndex(of: UInt8(ascii: "\n"))
        let upTo = end.map { $0 + 1 } ?? view.endIndex
        guard line.count + (upTo - view.startIndex) <= Self.lineLimit else { throw Malformed(description: "\(what) line longer than 4 KB") }
        line.append(contentsOf: view[view.startIndex..<upTo])
        bytes.moveReaderIndex(to: upTo)
        guard end != nil else { return nil }
        var whole = line
        line = []
        whole.removeLast()
        if whole.last == 13 { whole.removeLast() }
        return whole
    }

    private mutating func finish() throws -> Response {
        if let inflater, !inflater.ended {
            throw Malformed(description: "the gzip body ends before its end")
        }
        let response = Response(
            status: head.status, contentType: head.contentType, location: head.location, body: body,
            keepAlive: !head.close && (!head.http10 || head.keepAlive))
        reset()
        return response
    }

    // MARK: - Helpers

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    static func trimmed(_ value: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var value = value
        while let first = value.first, first == 32 || first == 9 { value.removeFirst() }
        while let last = value.last, last == 32 || last == 9 { value.removeLast() }
        return value
    }

    /// A comma-separated list's items, lowercased, without parameters.
    static func tokens(_ value: ArraySlice<UInt8>) -> [String] {
        value.split(separator: UInt8(ascii: ",")).map { item in
            let name = item.prefix { $0 != UInt8(ascii: ";") }
            return String(decoding: trimmed(name), as: UTF8.self).lowercased()
        }.filter { !$0.isEmpty }
    }

    /// At most 80 bytes of a line, quoted, with anything unprintable escaped (it goes into logs).
    static func quoted(_ bytes: some Collection<UInt8>) -> String {
        var out = "\""
        for byte in bytes.prefix(80) {
            switch byte {
            case 0x20..<0x7F where byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\"): out.unicodeScalars.append(Unicode.Scalar(byte))
            default: out += "\\x" + Hex.encode(CollectionOfOne(byte))
            }
        }
        return out + (bytes.count > 80 ? "…\"" : "\"")
    }

    /// A gzip stream unpacked as it arrives (one member; a second member after it is unpacked
    /// too, as gzip tools do).
    final class Inflater {
        private let stream: UnsafeMutablePointer<z_stream>
        private(set) var ended = false

        package init() throws {
            stream = .allocate(capacity: 1)
            stream.initialize(to: z_stream())
            guard hms_inflate_init_gzip(stream) == Z_OK else {
                stream.deallocate()
                throw Malformed(description: "cannot start unpacking gzip")
            }
        }

        deinit {
            inflateEnd(stream)
            stream.deallocate()
        }

        func inflate(_ input: UnsafeRawBufferPointer, into body: inout [UInt8], limit: Int) throws {
            guard let base = input.baseAddress, !input.isEmpty else { return }
            stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(input.count)
            while stream.pointee.avail_in > 0 {
                if ended {
                    // Another member follows the one that ended.
                    guard inflateReset(stream) == Z_OK else { throw Malformed(description: "cannot unpack a second gzip member") }
                    ended = false
                }
                let before = body.count
                let room = Swift.max(16_384, Swift.min(Int(stream.pointee.avail_in) * 4, 1 << 20))
                guard before < limit else { throw TooBig() }
                let space = Swift.min(room, limit - before + 1)  // one byte past the limit tells it was exceeded
                var result: Int32 = Z_OK
                body.append(contentsOf: repeatElement(0, count: space))
                body.withUnsafeMutableBufferPointer { out in
                    stream.pointee.next_out = out.baseAddress! + before
                    stream.pointee.avail_out = uInt(space)
                    result = CZlib.inflate(stream, Z_NO_FLUSH)
                }
                let produced = space - Int(stream.pointee.avail_out)
                body.removeLast(space - produced)
                guard body.count <= limit else { throw TooBig() }
                switch result {
                case Z_STREAM_END: ended = true
                case Z_OK: break
                case Z_BUF_ERROR where produced == 0 && stream.pointee.avail_in == 0: return
                default: throw Malformed(description: "the gzip body is damaged")
                }
            }
        }
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (48...57).contains(self) || (65...70).contains(self) || (97...102).contains(self)
    }
}
