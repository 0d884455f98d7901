/// Exposition text for tests.
public enum ExpositionText {
    /// The text with every sample value above 1 changed to 2v+1 (order-preserving, so buckets
    /// stay in order and counts equal to `+Inf`); comments, series and timestamps kept.
    public static func revalued(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard !line.isEmpty, !line.hasPrefix("#"), !line.contains(" # ") else { return String(line) }
            let seriesEnd = line.lastIndex(of: "}").map { line.index(after: $0) } ?? line.firstIndex(of: " ") ?? line.endIndex
            var rest = line[seriesEnd...].split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            guard rest.count >= 2, let value = Double(rest[1]), value.isFinite, value > 1 else { return String(line) }
            rest[1] = "\(value * 2 + 1)"
            return String(line[..<seriesEnd]) + rest.joined(separator: " ")
        }.joined(separator: "\n")
    }
}
