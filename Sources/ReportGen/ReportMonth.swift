/// The calendar month a compliance report covers, written `YYYY-MM`.
public struct ReportMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    /// 1...12.
    public var month: Int

    public init?(year: Int, month: Int) {
        guard (1970...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses exactly `YYYY-MM`, as used in report URLs and the `--month` flag.
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-"),
            let year = Int(String(decoding: bytes[0..<4], as: UTF8.self)),
            let month = Int(String(decoding: bytes[5..<7], as: UTF8.self)),
            bytes[0..<4].allSatisfy({ $0 >= 48 && $0 <= 57 }), bytes[5..<7].allSatisfy({ $0 >= 48 && $0 <= 57 })
        else { return nil }
        self.init(year: year, month: month)
    }

    /// The month after this one; nil after 9999-12, the last month there is.
    public var next: ReportMonth? {
        month == 12 ? ReportMonth(year: year + 1, month: 1) : ReportMonth(year: year, month: month + 1)
    }

    public static func < (a: ReportMonth, b: ReportMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }

    public var description: String {
        let m = month < 10 ? "0\(month)" : "\(month)"
        return "\(year)-\(m)"
    }
}
