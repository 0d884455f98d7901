/// Text from outside quoted back in an error or a log line.
public enum QuotedText {
    /// `text` bounded to 40 characters and without control characters.
    public static func clip(_ text: String) -> String {
        let cleaned = String(text.unicodeScalars.map { $0.value < 0x20 ? "?" : Character($0) })
        return cleaned.count > 40 ? String(cleaned.prefix(37)) + "..." : cleaned
    }
}
