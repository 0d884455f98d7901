/// The status word a card, badge or dashboard shows: text first, never colour alone.
public enum SLACardStatus: String, Sendable, Codable, CaseIterable {
    /// Meeting its objectives with budget to spare.
    case operational
    /// Burning error budget faster than it can sustain.
    case degraded
    /// Out of error budget for the period.
    case breaching
    /// Not enough data to say.
    case unknown

    /// The symbol shown before the word (hidden from screen readers; the word says it).
    public var symbol: String {
        switch self {
        case .operational: "✓"
        case .degraded: "!"
        case .breaching: "✕"
        case .unknown: "?"
        }
    }

    /// The words shown to people, per language (`en`, `es`).
    public func label(language: String) -> String {
        switch (self, language.hasPrefix("es")) {
        case (.operational, false): return "Operational"
        case (.degraded, false): return "Degraded"
        case (.breaching, false): return "Breaching SLA"
        case (.unknown, false): return "Unknown"
        case (.operational, true): return "Operativo"
        case (.degraded, true): return "Degradado"
        case (.breaching, true): return "Incumple el SLA"
        case (.unknown, true): return "Desconocido"
        }
    }
}
