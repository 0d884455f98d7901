/// Snappy block decompression (the raw block format Prometheus remote-write 1.0 uses, not the
/// framed stream format), written from the format description: a varint uncompressed length,
/// then literals and back-references. Bounded: the declared length is capped before anything is
/// allocated, and every copy is checked against what has been produced.
package enum Snappy {
    package static func decompress(_ input: [UInt8], maximumLength: Int) throws(IngestError) -> [UInt8] {
        var i = 0
        guard let declared = varint(input, &i), declared <= UInt64(maximumLength) else {
            throw IngestError.invalidSnappy("the snappy header is missing or declares more than \(maximumLength >> 20) MB")
        }
        let length = Int(declared)
        var out: [UInt8] = []
        out.reserveCapacity(length)
        while i < input.count {
            let tag = input[i]
            i += 1
            switch tag & 3 {
            case 0:  // literal; lengths over 60 are in the next 1-4 bytes
                var count = Int(tag >> 2) + 1
                if count > 60 {
                    let extra = count - 60
                    guard i + extra <= input.count else { throw IngestError.invalidSnappy("a snappy literal is cut short") }
                    count = 0
                    for k in 0..<extra { count |= Int(input[i + k]) << (8 * k) }
                    count += 1
                    i += extra
                }
                guard count <= input.count - i, count <= length - out.count else {
                    throw IngestError.invalidSnappy("a snappy literal runs past the end")
                }
                out.append(contentsOf: input[i..<(i + count)])
                i += count
            default:
                let count: Int
                let offset: Int
                switch tag & 3 {
                case 1:
                    guard i < input.count else { throw IngestError.invalidSnappy("a snappy copy is cut short") }
                    count = Int((tag >> 2) & 7) + 4
                    offset = Int(tag >> 5) << 8 | Int(input[i])
                    i += 1
                case 2:
                    guard i + 2 <= input.count else { throw IngestError.invalidSnappy("a snappy copy is cut short") }
                    count = Int(tag >> 2) + 1
                    offset = Int(input[i]) | Int(input[i + 1]) << 8
                    i += 2
                default:
                    guard i + 4 <= input.count else { throw IngestError.invalidSnappy("a snappy copy is cut short") }
                    count = Int(tag >> 2) + 1
                    offset = Int(input[i]) | Int(input[i + 1]) << 8 | Int(input[i + 2]) << 16 | Int(input[i + 3]) << 24
                    i += 4
                }
                guard offset > 0, offset <= out.count, count <= length - out.count else {
                    throw IngestError.invalidSnappy("a snappy copy points outside what was decoded")
                }
                // Byte by byte: a copy may overlap what it writes (a run).
                let start = out.count - offset
                for k in 0..<count { out.append(out[start + k]) }
            }
        }
        guard out.count == length else { throw IngestError.invalidSnappy("snappy data ends after \(out.count) of \(length) bytes") }
        return out
    }

    /// A little-endian base-128 varint, at most 10 bytes.
    static func varint(_ bytes: [UInt8], _ i: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count, shift < 64 {
            let byte = bytes[i]
            i += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}
