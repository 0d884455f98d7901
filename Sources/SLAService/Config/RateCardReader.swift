import Core
import CostModel
import Foundation
import Yams

/// Reads a rate card (`rate-cards/*.yaml`) into a `RateCard`, reporting every problem as
/// `file:line:column: field: message`:
///
/// ```yaml
/// id: usda-2026
/// agency: USDA
/// currency: USD                  # ISO 4217
/// time_zone: America/New_York    # where each effective_from's midnight is
/// periods:
///   - effective_from: "2025-10-01"
///     rates: {cpu_core_hour: "0.0425", memory_gib_hour: "0.0057"}
///   - effective_from: "2026-04-01" # keeps the rates it does not list
///     rates: {cpu_core_hour: "0.0450"}
/// ```
public enum RateCardReader {
    static let keys = ["id", "agency", "currency", "time_zone", "periods"]
    static let periodKeys = ["effective_from", "rates"]

    /// The card in the file at `path`, or every problem in it.
    public static func load(path: String) throws(ConfigErrors) -> RateCard {
        try parse(ConfigLoader.readText(path, what: "a rate card (see rate-cards/usda-2026.yaml)"), file: path)
    }

    public static func parse(_ text: String, file: String) throws(ConfigErrors) -> RateCard {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigErrors([ConfigLoader.syntaxIssue(error, file: file)])
        }
        var r = YAMLReader(file: file)
        guard let root else {
            r.report(nil, "", "the file is empty; a rate card needs \(keys.joined(separator: ", ")) (see rate-cards/usda-2026.yaml)")
            throw ConfigErrors(r.issues)
        }
        let card = read(root, &r)
        guard r.issues.isEmpty, let card else { throw ConfigErrors(r.issues) }
        return card
    }

    static func read(_ root: Node, _ r: inout YAMLReader) -> RateCard? {
        guard let fields = r.mapping(root, "", allowed: keys) else { return nil }
        for key in keys where fields[key] == nil {
            r.report(root, key, "missing; a rate card needs \(keys.joined(separator: ", "))")
        }
        var id: String?
        if let (_, n) = fields["id"], let text = r.string(n, "id", maxLength: 100) {
            if ConfigLoader.isIdentifier(text) {
                id = text
            } else {
                r.report(n, "id", "'\(YAMLReader.clip(text))' is not a valid id; use lowercase letters, digits and '-'")
            }
        }
        let agency = fields["agency"].flatMap { r.string($0.value, "agency", maxLength: 200) }
        var currency: Currency?
        if let (_, n) = fields["currency"], let code = r.string(n, "currency", maxLength: 16) {
            currency = Currency(code: code)
            if currency == nil {
                let hint = Currency(code: code.uppercased()) != nil ? "; write it in capitals: \(code.uppercased())" : ", such as USD or EUR"
                r.report(n, "currency", "'\(YAMLReader.clip(code))' is not an ISO 4217 currency code\(hint)")
            }
        }
        let zone = fields["time_zone"].flatMap { r.timeZone($0.value, "time_zone") }
        var periods: [(CalendarDay, [RateUnit: Decimal])] = []
        if let (_, n) = fields["periods"], let items = r.sequence(n, "periods", of: "periods (effective_from, rates)") {
            if items.isEmpty { r.report(n, "periods", "is empty; list at least one period with effective_from and rates") }
            var previous: (day: CalendarDay, field: String)?
            for (i, item) in items.enumerated() {
                let field = "periods[\(i)]"
                guard let period = readPeriod(item, field, &r) else { continue }
                if let previous, period.day <= previous.day {
                    r.report(
                        item.mapping?["effective_from"] ?? item, "\(field).effective_from",
                        period.day == previous.day
                            ? "\(period.day) is also the date of \(previous.field); give each period its own date"
                            : "\(period.day) comes before \(previous.day) (\(previous.field)); list periods oldest first")
                }
                // (Rates listed but refused are reported themselves.)
                if i == 0, item.mapping?["rates"]?.mapping?.isEmpty ?? false {
                    r.report(item.mapping?["rates"] ?? item, "\(field).rates", "the first period must list at least one rate")
                }
                previous = (period.day, field)
                periods.append((period.day, period.rates))
            }
        }
        guard r.issues.isEmpty, let id, let agency, let currency, let zone else { return nil }
        guard let card = RateCard(id: id, agency: agency, currency: currency, timeZone: zone, periods: periods) else {
            r.report(fields["periods"]?.value, "periods", "a period's date has no midnight in \(zone.identifier)")
            return nil
        }
        return card
    }

    static func readPeriod(_ node: Node, _ field: String, _ r: inout YAMLReader) -> (day: CalendarDay, rates: [RateUnit: Decimal])? {
        guard let fields = r.mapping(node, field, allowed: periodKeys) else { return nil }
        for key in periodKeys where fields[key] == nil {
            r.report(node, "\(field).\(key)", "missing; a period needs effective_from (a date such as \"2026-04-01\") and rates")
        }
        var day: CalendarDay?
        if let (_, n) = fields["effective_from"], let text = r.string(n, "\(field).effective_from", maxLength: 40) {
            day = CalendarDay(parsing: text)
            if day == nil {
                r.report(n, "\(field).effective_from", "'\(YAMLReader.clip(text))' is not a date; write it as YYYY-MM-DD, such as \"2026-04-01\"")
            }
        }
        var rates: [RateUnit: Decimal] = [:]
        if let (_, n) = fields["rates"], let entries = r.mapping(n, "\(field).rates", allowed: RateUnit.names) {
            for (name, entry) in entries {
                guard let unit = RateUnit(rawValue: name), let price = readPrice(entry.value, "\(field).rates.\(name)", &r) else { continue }
                rates[unit] = price
            }
        }
        guard let day else { return nil }
        return (day, rates)
    }

    /// A price: plain decimal text, not negative, exact (`"0.0425"`). `1e-3`, `0,04` and `-1`
    /// are refused with what to write instead.
    static func readPrice(_ node: Node, _ field: String, _ r: inout YAMLReader) -> Decimal? {
        guard let text = r.string(node, field, maxLength: 64) else { return nil }
        if let value = ExactDecimal.parse(text) {
            if value >= 0 { return value }
            r.report(node, field, "a price cannot be negative, got '\(YAMLReader.clip(text))'")
            return nil
        }
        var message = "'\(YAMLReader.clip(text))' is not a plain decimal price; write it as a quoted decimal such as \"0.0425\""
        if text.contains(","), ExactDecimal.parse(text.replacingOccurrences(of: ",", with: ".")) != nil {
            message += " (a point, not a comma: \"\(text.replacingOccurrences(of: ",", with: "."))\")"
        } else if text.lowercased().contains("e"), let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")),
            value >= 0, let plain = ExactDecimal.plainText(value)
        {
            message += " (no exponent: \"\(plain)\")"
        }
        r.report(node, field, message)
        return nil
    }
}
