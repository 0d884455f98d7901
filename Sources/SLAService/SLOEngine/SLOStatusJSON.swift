import Config
import Core
import Foundation

extension SLOStatus {
    /// The stable JSON shape of `hms-ops slo status --json` (times in RFC 3339 UTC; ratios as
    /// numbers; null where there is no data). Keys are documented in docs/slo.md.
    public func jsonObject(service: String, slo: SLODefinition) -> [String: Any] {
        let stamp: (Int64) -> String = { Self.rfc3339($0) }
        var burn: [String: Any] = [:]
        for window in BurnWindow.allCases { burn[window.description] = burnRates[window].map { $0 as Any } ?? NSNull() }
        return [
            "service": service,
            "slo": slo.id,
            "objective_percent": NSDecimalNumber(decimal: slo.objective).stringValue,
            "budgeting_method": method.rawValue,
            "at": stamp(at),
            "window": ["start": stamp(window.start), "end": stamp(window.end), "hours": window.hours],
            "attainment": attainment.map { $0 as Any } ?? NSNull(),
            "minutes_with_data": minutesWithData,
            "error_budget": [
                "unit": budgetUnit.rawValue, "total": budgetTotal, "consumed": budgetConsumed,
                "remaining_ratio": budgetRemaining.map { $0.isFinite ? $0 as Any : -1e308 as Any } ?? NSNull(),
            ],
            "burn_rates": burn,
            "exhausts_at": exhaustsAt.map { stamp($0) as Any } ?? NSNull(),
            "conditions": conditions.map {
                [
                    "severity": $0.severity.rawValue, "long": $0.long.description, "short": $0.short.description, "factor": $0.factor,
                    "firing": $0.firing,
                ]
            },
        ]
    }

    public static func rfc3339(_ ms: Int64) -> String { TimeText.rfc3339(ms) }
}
