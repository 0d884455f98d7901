import Config
import Core
import CostModel
import Foundation

/// A service's month of cost as `hms-ops cost report` prints it: a table, or JSON with every
/// amount a decimal string (`{"service", "month", "currency", "time_zone", "total", "coverage",
/// "lines": [...], "autoscaling_extra", "budget", "forecast"}`; docs/cost.md).
public struct CostReport: Sendable {
    public var service: ServiceDefinition
    public var month: CalendarMonth
    public var card: RateCard
    public var statement: CostStatement

    public init(service: ServiceDefinition, month: CalendarMonth, card: RateCard, statement: CostStatement) {
        self.service = service
        self.month = month
        self.card = card
        self.statement = statement
    }

    /// What a line is of: `cpu`, `memory`, `storage`, `egress`, `requests`, `fixed`.
    static func component(_ unit: RateUnit) -> String { unit.measure?.rawValue ?? "fixed" }

    /// A quantity as shown: at most six decimals (the exact figure may run to 38 digits, e.g.
    /// after a division by 60), rounded half away from zero.
    static func quantity(_ value: Decimal) -> String {
        ExactDecimal.text(ExactDecimal.rounded(value, places: 6))
    }

    /// A share as shown: four decimals, rounded down (never up to a whole that was not there).
    static func share(_ value: Decimal) -> String {
        ExactDecimal.text(ExactDecimal.rounded(value, places: 4, .down))
    }

    public func jsonObject() -> [String: Any] {
        let amounts = statement.shownAmounts
        let lines: [[String: Any]] = zip(statement.lines, amounts).map { line, amount in
            [
                "component": Self.component(line.unit), "quantity": Self.quantity(line.quantity), "unit": line.unit.rawValue,
                "rate": Money(line.rate, currency: card.currency).exactText, "amount": amount.decimalText,
                "coverage": Self.share(line.coverage), "from": TimeText.rfc3339(line.span.start), "to": TimeText.rfc3339(line.span.end),
            ]
        }
        let budget = service.cost.monthlyBudget.map { Money($0, currency: card.currency).decimalText }
        return [
            "service": service.id, "month": month.description, "currency": card.currency.code, "time_zone": card.timeZone.identifier,
            "rate_card": card.id, "total": statement.total.decimalText, "coverage": Self.share(statement.coverage), "lines": lines,
            "autoscaling_extra": NSNull(), "budget": budget ?? NSNull() as Any, "forecast": NSNull(),
        ]
    }

    /// The JSON, keys sorted, as bytes that are the same for the same figures.
    public func json() throws -> String {
        let data = try JSONSerialization.data(withJSONObject: jsonObject(), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// A table for people: each line's component, quantity, unit, rate, amount and coverage, then
    /// the total (the amounts add up to it to the cent).
    public func table() -> String {
        let zone = card.timeZone
        func day(_ ms: Int64) -> String {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: Double(ms) / 1000))
            let date = CalendarDay(year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0)?.description ?? "?"
            let time = (parts.hour ?? 0, parts.minute ?? 0) == (0, 0) ? "" : String(format: " %02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
            return date + time
        }
        let header = ["component", "quantity", "unit", "rate", "amount", "coverage", "from .. to"]
        var rows = [header]
        for (line, amount) in zip(statement.lines, statement.shownAmounts) {
            rows.append([
                Self.component(line.unit),
                "\(Self.quantity(line.quantity)) \(line.quantity == 1 && line.unit == .fixedMonthly ? "month" : line.unit.quantityName)",
                line.unit.rawValue,
                Money(line.rate, currency: card.currency).exactText, amount.decimalText,
                "\(Self.percent(line.coverage)) %", "\(day(line.span.start)) .. \(day(line.span.end))",
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        func render(_ row: [String]) -> String {
            row.enumerated().map { column, text in
                let pad = String(repeating: " ", count: widths[column] - text.count)
                // Figures right-aligned, words left.
                return [1, 3, 4, 5].contains(column) ? pad + text : text + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        var out = [
            "\(service.name) (\(service.id)), \(Self.monthName(month)), \(card.timeZone.identifier), rate card \(card.id), \(card.currency.code)"
        ]
        out += rows.map(render)
        let totalRow = ["total", "", "", "", statement.total.decimalText, "\(Self.percent(statement.coverage)) %", ""]
        out.append(render(totalRow))
        if let budget = service.cost.monthlyBudget {
            out.append("budget \(Money(budget, currency: card.currency).decimalText) \(card.currency.code)")
        }
        return out.joined(separator: "\n")
    }

    static func percent(_ share: Decimal) -> String {
        Money.padded(ExactDecimal.text(ExactDecimal.rounded(share * 100, places: 2, .down)), to: 2)
    }

    static func monthName(_ month: CalendarMonth) -> String {
        let names = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
        ]
        return "\(names[month.month - 1]) \(month.year)"
    }
}
