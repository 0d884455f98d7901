import Core
import Foundation
import Storage

/// How spooled rows are written: JSON, with every float kept exactly (finite values in their
/// shortest exact form, NaN and ±Inf as the strings `NaN`, `+Inf`, `-Inf`, which plain JSON
/// cannot hold: one +Inf gauge once made a batch unspoolable).
enum SpoolPayload {
    package static func encode(_ rows: [MinuteRow]) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
        return Array(try encoder.encode(rows))
    }

    /// `rows` as records the spool takes (each at most `Spool.maximumPayload`), in order.
    static func records(of rows: ArraySlice<MinuteRow>) throws -> [[UInt8]] {
        let payload = try encode(Array(rows))
        guard payload.count > Spool.maximumPayload, rows.count > 1 else { return [payload] }
        let middle = rows.startIndex + rows.count / 2
        return try records(of: rows[..<middle]) + records(of: rows[middle...])
    }

    package static func decode(_ record: [UInt8]) throws -> [MinuteRow] {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
        return try decoder.decode([MinuteRow].self, from: Data(record))
    }
}
