/// Which text format an exposition is written in.
public enum ExpositionFormat: String, Sendable, Codable {
    /// Prometheus text format 0.0.4 (`text/plain; version=0.0.4`); timestamps in milliseconds.
    case prometheusText = "prometheus-0.0.4"
    /// OpenMetrics 1.0 text (`application/openmetrics-text`); timestamps in seconds, `# EOF` last.
    case openMetrics = "openmetrics-1.0"

    /// The format a `Content-Type` names, if it names one.
    /// (Read once per scrape: bytes, not Foundation's string functions.)
    public init?(contentType: String) {
        // The media type: up to the first `;`, without blanks around it, in any case.
        var type = Array(contentType.utf8.prefix { $0 != UInt8(ascii: ";") })
        while let last = type.last, last == 32 || last == 9 { type.removeLast() }
        let blanks = type.prefix { $0 == 32 || $0 == 9 }.count
        type = type[blanks...].map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }
        if type.elementsEqual("application/openmetrics-text".utf8) {
            self = .openMetrics
        } else if type.isEmpty || type.elementsEqual("text/plain".utf8) {
            self = .prometheusText
        } else {
            return nil
        }
    }

    /// The format the bytes themselves show: OpenMetrics ends with `# EOF`.
    public static func sniff(_ bytes: some Collection<UInt8>) -> ExpositionFormat {
        var tail = Array(bytes.suffix(8))
        while let last = tail.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { tail.removeLast() }
        return tail.suffix(5).elementsEqual("# EOF".utf8) ? .openMetrics : .prometheusText
    }
}
