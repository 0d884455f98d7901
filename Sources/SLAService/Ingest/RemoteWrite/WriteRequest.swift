import Core
import Foundation

/// A Prometheus remote-write 1.0 `WriteRequest`, decoded from its protobuf bytes by hand (field
/// numbers from prometheus/prompb `remote.proto` and `types.proto`); unknown fields, exemplars and
/// native histograms are skipped. Bounded by the bytes given: nothing is allocated beyond them.
package struct WriteRequest: Sendable {
    package struct Series: Sendable {
        package var labels: [Label] = []
        package var samples: [(value: Double, timestamp: Int64)] = []
    }

    package var series: [Series] = []

    package init(decoding bytes: [UInt8]) throws(IngestError) {
        var reader = Reader(bytes: bytes, end: bytes.count)
        while let (field, wire) = try reader.key() {
            switch (field, wire) {
            case (1, 2): series.append(try Self.series(try reader.nested()))
            default: try reader.skip(wire)  // metadata (3) among them: kinds come from names, see RemoteWriteRoutes
            }
        }
    }

    static func series(_ reader: Reader) throws(IngestError) -> Series {
        var reader = reader
        var out = Series()
        while let (field, wire) = try reader.key() {
            switch (field, wire) {
            case (1, 2):
                var label = try reader.nested()
                var name = "", value = ""
                while let (f, w) = try label.key() {
                    switch (f, w) {
                    case (1, 2): name = try label.string()
                    case (2, 2): value = try label.string()
                    default: try label.skip(w)
                    }
                }
                out.labels.append(Label(name, value))
            case (2, 2):
                var sample = try reader.nested()
                var value = 0.0, timestamp: Int64 = 0
                while let (f, w) = try sample.key() {
                    switch (f, w) {
                    case (1, 1): value = Double(bitPattern: try sample.fixed64())
                    case (2, 0): timestamp = Int64(bitPattern: try sample.varint())
                    default: try sample.skip(w)
                    }
                }
                out.samples.append((value, timestamp))
            default: try reader.skip(wire)
            }
        }
        return out
    }

    /// A cursor over protobuf bytes `position..<end`.
    struct Reader: Sendable {
        package let bytes: [UInt8]
        package var position = 0
        package let end: Int

        package init(bytes: [UInt8], position: Int = 0, end: Int) {
            self.bytes = bytes
            self.position = position
            self.end = end
        }

        package mutating func key() throws(IngestError) -> (Int, Int)? {
            guard position < end else { return nil }
            let key = try varint()
            let field = Int(truncatingIfNeeded: key >> 3)
            guard field > 0 else { throw IngestError.invalidWriteRequest("protobuf field number 0") }
            return (field, Int(key & 7))
        }

        mutating func varint() throws(IngestError) -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while position < end, shift < 64 {
                let byte = bytes[position]
                position += 1
                value |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            throw IngestError.invalidWriteRequest("a protobuf varint is cut short")
        }

        mutating func fixed64() throws(IngestError) -> UInt64 {
            guard end - position >= 8 else { throw IngestError.invalidWriteRequest("a protobuf fixed64 is cut short") }
            var value: UInt64 = 0
            for k in 0..<8 { value |= UInt64(bytes[position + k]) << (8 * UInt64(k)) }
            position += 8
            return value
        }

        /// The length-delimited field that follows, as its own reader.
        mutating func nested() throws(IngestError) -> Reader {
            let length = try varint()
            guard length <= UInt64(end - position) else { throw IngestError.invalidWriteRequest("a protobuf field runs past its message") }
            let inner = Reader(bytes: bytes, position: position, end: position + Int(length))
            position += Int(length)
            return inner
        }

        package mutating func string() throws(IngestError) -> String {
            let inner = try nested()
            guard let text = String(validating: bytes[inner.position..<inner.end], as: UTF8.self) else {
                throw IngestError.invalidWriteRequest("a label is not valid UTF-8")
            }
            return text
        }

        mutating func skip(_ wire: Int) throws(IngestError) {
            switch wire {
            case 0: _ = try varint()
            case 1:
                guard end - position >= 8 else { throw IngestError.invalidWriteRequest("a protobuf field is cut short") }
                position += 8
            case 2: _ = try nested()
            case 5:
                guard end - position >= 4 else { throw IngestError.invalidWriteRequest("a protobuf field is cut short") }
                position += 4
            default: throw IngestError.invalidWriteRequest("unsupported protobuf wire type \(wire)")
            }
        }
    }
}
