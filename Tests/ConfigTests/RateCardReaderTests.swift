import CostModel
import Foundation
import TestSupport
import Testing

@testable import Config
@testable import Core

/// Rate cards: read whole, or every problem as file:line:column: field: message.
@Suite("Rate card reader")
struct RateCardReaderTests {
    static let good = RateCards.workedExample

    func issues(_ yaml: String) -> [ConfigIssue] {
        do {
            _ = try RateCardReader.parse(yaml, file: "card.yaml")
            return []
        } catch {
            return error.issues
        }
    }

    func only(_ yaml: String) throws -> ConfigIssue {
        let found = issues(yaml)
        try #require(found.count == 1, "\(found)")
        return found[0]
    }

    @Test func theWorkedExamplesCardReadsWhole() throws {
        let card = try RateCardReader.parse(Self.good, file: "card.yaml")
        #expect(card.id == "test-2026")
        #expect(card.currency.code == "USD")
        #expect(card.periods.count == 2)
        #expect(card.periods[1].rates == [.cpuCoreHour: Decimal(string: "0.05")!, .memoryGibHour: Decimal(string: "0.005")!])
    }

    @Test func theShippedCardReads() throws {
        let card = try RateCardReader.load(path: Fixtures.projectRoot.path + "/rate-cards/usda-2026.yaml")
        #expect(card.id == "usda-2026")
        #expect(card.periods.map(\.effectiveFrom.description) == ["2025-10-01", "2026-04-01"])
        #expect(card.periods[1].rates[.fixedMonthly] == Decimal(string: "150.00"))
    }

    @Test func anUnknownUnitIsNamedWithTheNearestOne() throws {
        let issue = try only(Self.good.replacingOccurrences(of: "cpu_core_hour: \"0.05\"", with: "cpu_cores_hour: \"0.05\""))
        #expect(issue.line == 9)
        #expect(issue.field == "periods[1].rates.cpu_cores_hour")
        #expect(issue.message.contains("did you mean 'cpu_core_hour'?"))
        #expect(issue.description.hasPrefix("card.yaml:9:"))
    }

    @Test(arguments: [
        ("1e-3", "no exponent: \"0.001\""), ("0,04", "a point, not a comma: \"0.04\""), ("-0.04", "cannot be negative"),
        ("four cents", "not a plain decimal price"), ("0.04 USD", "not a plain decimal price"),
    ])
    func aPriceThatIsNotAPlainDecimalIsRefusedWithWhatToWrite(_ price: String, _ expected: String) throws {
        let issue = try only(Self.good.replacingOccurrences(of: "\"0.05\"", with: "\"\(price)\""))
        #expect(issue.field == "periods[1].rates.cpu_core_hour")
        #expect(issue.message.contains(expected), "\(issue.message)")
    }

    @Test func unquotedPlainDecimalsAreReadExactlyToo() throws {
        let card = try RateCardReader.parse(Self.good.replacingOccurrences(of: "\"0.05\"", with: "0.05"), file: "card.yaml")
        #expect(card.periods[1].rates[.cpuCoreHour] == Decimal(string: "0.05"))
    }

    @Test func aMissingCurrencyIsSaid() throws {
        let issue = try only(Self.good.replacingOccurrences(of: "currency: USD\n", with: ""))
        #expect(issue.field == "currency")
        #expect(issue.message.contains("missing"))
    }

    @Test(arguments: [("usd", "write it in capitals: USD"), ("DOLLARS", "not an ISO 4217 currency code")])
    func aCurrencyThatIsNotISO4217IsRefused(_ code: String, _ expected: String) throws {
        let issue = try only(Self.good.replacingOccurrences(of: "currency: USD", with: "currency: \(code)"))
        #expect(issue.line == 3 && issue.column == 11)
        #expect(issue.message.contains(expected))
    }

    @Test func anUnknownTimeZoneIsRefused() throws {
        let issue = try only(Self.good.replacingOccurrences(of: "America/New_York", with: "America/Gotham"))
        #expect(issue.field == "time_zone")
        #expect(issue.message.contains("unknown time zone 'America/Gotham'"))
    }

    @Test func periodsOutOfOrderOrOnOneDateAreRefused() throws {
        let backwards = try only(Self.good.replacingOccurrences(of: "2026-10-15", with: "2025-12-31"))
        #expect(backwards.field == "periods[1].effective_from")
        #expect(backwards.line == 8)
        #expect(backwards.message.contains("comes before 2026-01-01 (periods[0])"))
        let same = try only(Self.good.replacingOccurrences(of: "2026-10-15", with: "2026-01-01"))
        #expect(same.message.contains("is also the date of periods[0]"))
    }

    @Test(arguments: ["2026-02-30", "15/10/2026", "2026-10-15T00:00:00Z"])
    func aDateThatIsNotADayIsRefused(_ date: String) throws {
        let issue = try only(Self.good.replacingOccurrences(of: "2026-10-15", with: date))
        #expect(issue.field == "periods[1].effective_from")
        #expect(issue.message.contains("write it as YYYY-MM-DD"))
    }

    @Test func everyProblemIsReportedAtOnce() {
        let yaml = Self.good.replacingOccurrences(of: "currency: USD", with: "currency: XYZ")
            .replacingOccurrences(of: "America/New_York", with: "Mars/Olympus")
            .replacingOccurrences(of: "\"0.05\"", with: "\"1e-3\"")
        #expect(issues(yaml).map(\.field) == ["currency", "time_zone", "periods[1].rates.cpu_core_hour"])
    }

    @Test func aServiceNamingACardThatDoesNotExistIsToldWhereItWasLookedFor() throws {
        let config = "services:\n  - id: a\n    rate_card: nowhere-2026\n"
        do {
            _ = try ConfigLoader.parse("rate_cards_dir: /tmp/no-such-cards\n" + config, file: "hms.yaml", baseDirectory: "/")
            Issue.record("loaded")
        } catch {
            #expect(error.issues.map(\.field) == ["services[0].rate_card"])
            #expect(error.issues[0].message.contains("/tmp/no-such-cards/nowhere-2026.yaml"))
        }
    }

    @Test func problemsInsideANamedCardAreListedWithTheCardsOwnLines() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cards-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bad = Self.good.replacingOccurrences(of: "test-2026", with: "bad").replacingOccurrences(of: "\"0.05\"", with: "\"0,05\"")
        try bad.write(toFile: folder + "/bad.yaml", atomically: true, encoding: .utf8)
        do {
            _ = try ConfigLoader.parse("rate_cards_dir: \(folder)\nservices:\n  - id: a\n    rate_card: bad\n", file: "hms.yaml", baseDirectory: "/")
            Issue.record("loaded")
        } catch {
            #expect(
                error.issues.map(\.file) == ["\(folder)/bad.yaml", "hms.yaml"] || error.issues.map(\.file) == ["hms.yaml", "\(folder)/bad.yaml"])
            #expect(error.issues.contains { $0.file.hasSuffix("bad.yaml") && $0.line == 9 && $0.message.contains("a point, not a comma") })
        }
    }
}
