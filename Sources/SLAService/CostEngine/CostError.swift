import Core

/// Why a cost cannot be said.
public enum CostError: UserFacing, Sendable, Equatable, CustomStringConvertible {
    case unknownService(String, known: [String])
    case noRateCard(service: String)
    case monthNotBegun(month: CalendarMonth)
    case noData(service: String, month: CalendarMonth)

    public var description: String {
        switch self {
        case .unknownService(let id, let known):
            "no service '\(QuotedText.clip(id))' in the configuration; its services are: \(known.joined(separator: ", "))"
        case .noRateCard(let service):
            "service \(service) names no rate card, so nothing of it is priced; add rate_card: NAME to it (a file in rate_cards_dir)"
        case .monthNotBegun(let month):
            "\(month) has not begun yet; give a month up to this one"
        case .noData(let service, let month):
            "no usage of \(service) was stored in \(month) (no CPU or memory series for it); check its targets export process_cpu_seconds_total and process_resident_memory_bytes, or name its metrics under cost:"
        }
    }
}
