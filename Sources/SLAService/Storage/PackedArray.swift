import NIOCore
import PostgresNIO

/// A number PostgreSQL stores at a fixed width, as it is sent in binary (big-endian bits).
protocol PackedElement: Sendable {
    associatedtype Bits: FixedWidthInteger
    static var psqlType: PostgresDataType { get }
    static var psqlArrayType: PostgresDataType { get }
    var bits: Bits { get }
}

extension Double: PackedElement {
    static var psqlArrayType: PostgresDataType { .float8Array }
    var bits: UInt64 { bitPattern }
}

extension Int64: PackedElement {
    static var psqlArrayType: PostgresDataType { .int8Array }
    var bits: Int64 { self }
}

extension Int32: PackedElement {
    static var psqlArrayType: PostgresDataType { .int4Array }
    var bits: Int32 { self }
}

/// A one-dimensional array parameter made of one or more slices of columns, written in one pass
/// into the message (PostgresNIO's generic array encoding takes each element through its
/// generic encoder, and the slices would first have to be copied into one array). Binary array
/// format: dimensions, has-nulls, element type, then length and lower bound (1), then each
/// element as its byte length and bits.
struct PackedArray<Element: PackedElement>: PostgresNonThrowingEncodable {
    package var slices: [ArraySlice<Element>]

    package init(_ slices: [ArraySlice<Element>]) { self.slices = slices }
    package init(_ elements: [Element]) { self.slices = [elements[...]] }

    static var psqlType: PostgresDataType { Element.psqlArrayType }
    static var psqlFormat: PostgresFormat { .binary }

    package func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        let count = slices.reduce(0) { $0 + $1.count }
        buffer.writeInteger(count == 0 ? 0 : 1, as: Int32.self)
        buffer.writeInteger(0, as: Int32.self)
        buffer.writeInteger(Element.psqlType.rawValue)
        guard count > 0 else { return }
        buffer.writeInteger(Int32(count), as: Int32.self)
        buffer.writeInteger(1, as: Int32.self)
        let width = MemoryLayout<Element.Bits>.size
        let stride = 4 + width
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count * stride) { raw in
            var offset = 0
            for slice in slices {
                for element in slice {
                    raw.storeBytes(of: Int32(width).bigEndian, toByteOffset: offset, as: Int32.self)
                    raw.storeBytes(of: element.bits.bigEndian, toByteOffset: offset + 4, as: Element.Bits.self)
                    offset += stride
                }
            }
            return offset
        }
    }
}
