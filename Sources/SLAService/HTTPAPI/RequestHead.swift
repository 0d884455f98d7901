import Foundation

/// The head of a plain `GET` the fast path may answer, read strictly from raw bytes: the whole
/// head present, `GET <target> HTTP/1.1`, well-formed header lines of visible ASCII, no body
/// (`Content-Length`, `Transfer-Encoding`), no `Upgrade` or `Expect`, `Connection` absent or
/// keep-alive, `Accept` and `If-None-Match` at most once each. Anything else is nil and goes to
/// NIO's parser, which knows the whole protocol.
struct RequestHead: Equatable {
    var target: String
    package var accept: String?
    var ifNoneMatch: String?
    /// Bytes of the head, its blank line included.
    var length: Int

    static let maximumLength = 8192
    static let maximumFields = 64

    static func parse(_ bytes: UnsafeRawBufferPointer) -> RequestHead? {
        let count = min(bytes.count, maximumLength)
        guard count > 16, bytes.starts(with: "GET /".utf8) else { return nil }
        // The request line.
        var i = 4
        while i < count, bytes[i] > 0x20, bytes[i] < 0x7F { i += 1 }
        let targetEnd = i
        guard targetEnd > 4, i + 11 <= count, bytes[i..<(i + 10)].elementsEqual(" HTTP/1.1\r".utf8), bytes[i + 10] == 10 else { return nil }
        var head = RequestHead(target: String(decoding: bytes[4..<targetEnd], as: UTF8.self), length: 0)
        i += 11
        var fields = 0
        while true {
            guard i + 1 < count else { return nil }  // the head goes on past what is here
            if bytes[i] == 13 {
                guard bytes[i + 1] == 10 else { return nil }
                head.length = i + 2
                return head
            }
            fields += 1
            guard fields <= maximumFields else { return nil }
            // name ":" OWS value OWS CRLF
            let nameStart = i
            while i < count, isToken(bytes[i]) { i += 1 }
            guard i > nameStart, i < count, bytes[i] == UInt8(ascii: ":") else { return nil }
            let name = bytes[nameStart..<i]
            i += 1
            while i < count, bytes[i] == 32 || bytes[i] == 9 { i += 1 }
            let valueStart = i
            while i < count, (bytes[i] >= 0x20 && bytes[i] < 0x7F) || bytes[i] == 9 { i += 1 }
            guard i + 1 < count, bytes[i] == 13, bytes[i + 1] == 10 else { return nil }
            var valueEnd = i
            while valueEnd > valueStart, bytes[valueEnd - 1] == 32 || bytes[valueEnd - 1] == 9 { valueEnd -= 1 }
            let value = bytes[valueStart..<valueEnd]
            i += 2
            if equalsIgnoringCase(name, "accept") {
                guard head.accept == nil else { return nil }
                head.accept = String(decoding: value, as: UTF8.self)
            } else if equalsIgnoringCase(name, "if-none-match") {
                guard head.ifNoneMatch == nil else { return nil }
                head.ifNoneMatch = String(decoding: value, as: UTF8.self)
            } else if equalsIgnoringCase(name, "connection") {
                guard equalsIgnoringCase(value, "keep-alive") else { return nil }
            } else if equalsIgnoringCase(name, "content-length") || equalsIgnoringCase(name, "transfer-encoding")
                || equalsIgnoringCase(name, "upgrade") || equalsIgnoringCase(name, "expect")
            {
                return nil
            }
        }
    }

    /// RFC 9110 token characters.
    static func isToken(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
            UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    static func equalsIgnoringCase(_ bytes: Slice<UnsafeRawBufferPointer>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        var k = 0
        for byte in bytes {
            let folded = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            guard folded == expected[k] else { return false }
            k += 1
        }
        return true
    }
}
