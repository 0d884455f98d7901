/// The SVG badge for portals that allow no scripts: the service's name, its status word and its
/// uptime, white text on dark fills (every pair at least 6.6:1, above WCAG AA's 4.5:1, which
/// the usual light-green badges are not), and a `<title>` that screen readers say.
public struct SLABadge: Sendable, Equatable {
    public var name: String
    public var status: SLACardStatus
    /// Already floored to two decimals; nil without data.
    public var uptimePercent: Double?
    /// How the period reads in a sentence: "last 24 hours".
    public var period: String
    public var language: String
    /// Shown instead of the status and uptime (an unknown service).
    public var note: String?

    public init(name: String, status: SLACardStatus, uptimePercent: Double?, period: String, language: String = "en") {
        self.name = name
        self.status = status
        self.uptimePercent = uptimePercent
        self.period = period
        self.language = language
    }

    /// The badge for a service that is not public (or does not exist): the same for both.
    public static func unknownService(language: String) -> SLABadge {
        let spanish = language.hasPrefix("es")
        var badge = SLABadge(name: spanish ? "Servicio" : "Service", status: .unknown, uptimePercent: nil, period: "", language: language)
        badge.note = spanish ? "desconocido" : "unknown"
        return badge
    }

    /// How a period reads in a sentence: "last 24 hours", "las últimas 24 horas"; a month as `2026-10`.
    public static func periodLabel(_ period: String, language: String) -> String {
        let spanish = language.hasPrefix("es")
        switch period {
        case "24h": return spanish ? "las últimas 24 horas" : "last 24 hours"
        case "7d": return spanish ? "los últimos 7 días" : "last 7 days"
        case "30d": return spanish ? "los últimos 30 días" : "last 30 days"
        case "90d": return spanish ? "los últimos 90 días" : "last 90 days"
        default: return period
        }
    }

    /// Fill behind the status half, by status.
    static func fill(_ status: SLACardStatus) -> String {
        switch status {
        case .operational: "#0b6b2e"
        case .degraded: "#7a4b00"
        case .breaching: "#a4161a"
        case .unknown: "#4a4a4a"
        }
    }

    /// About how wide `text` is in 11 px DejaVu Sans / Verdana, in pixels (wide letters wider).
    static func width(_ text: String) -> Int {
        var total = 0.0
        for character in text {
            if "iljtf.,:;'|!I ".contains(character) {
                total += 3.9
            } else if "mwMW%".contains(character) {
                total += 10.5
            } else if character.isUppercase || character.isNumber {
                total += 7.6
            } else {
                total += 6.9
            }
        }
        return Int(total.rounded(.up))
    }

    /// The name as shown: at most 40 characters, cut with an ellipsis.
    var shownName: String { name.count > 40 ? String(name.prefix(39)) + "…" : name }

    var value: String {
        if let note { return note }
        let word = status.label(language: language)
        guard let uptimePercent else { return word }
        let number = String(format: "%.2f", uptimePercent)
        return "\(word) · \(language.hasPrefix("es") ? number.replacingOccurrences(of: ".", with: ",") : number) %"
    }

    /// What a screen reader says: "Crop-Relief Online: Operational, uptime 99.87 % over the last 24 hours".
    var sentence: String {
        if let note { return "\(name): \(note)" }
        let word = status.label(language: language)
        guard let uptimePercent else { return "\(name): \(word)" }
        let number = String(format: "%.2f", uptimePercent)
        if language.hasPrefix("es") {
            return "\(name): \(word), disponibilidad \(number.replacingOccurrences(of: ".", with: ",")) % en \(period)"
        }
        return "\(name): \(word), uptime \(number) % over the \(period)"
    }

    /// The SVG document. Every text is escaped; nothing from outside is markup.
    public func svg() -> String {
        let left = Self.width(shownName) + 12
        let right = Self.width(value) + 12
        let total = left + right
        let name = HTMLText.escape(shownName)
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(total)" height="20" viewBox="0 0 \(total) 20" role="img" aria-labelledby="t">\
            <title id="t">\(HTMLText.escape(sentence))</title>\
            <rect width="\(left)" height="20" fill="#2b2b2b"/><rect x="\(left)" width="\(right)" height="20" fill="\(Self.fill(status))"/>\
            <g fill="#fff" font-family="DejaVu Sans,Verdana,Geneva,sans-serif" font-size="11" aria-hidden="true">\
            <text x="6" y="14">\(name)</text><text x="\(left + 6)" y="14">\(HTMLText.escape(value))</text></g></svg>

            """
    }
}
