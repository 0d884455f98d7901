import ArgumentParser
import Config
import CostModel
import Foundation

/// `hms-ops check rate-card FILE`: a rate card as hms-ops reads it (every rate in force in each
/// period, inherited ones included), or its problems with file:line:column.
struct CheckRateCardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rate-card", abstract: "Validate a rate card (rate-cards/*.yaml); exit 0 when it is valid, 1 when not.")

    @Argument(help: "The rate card YAML file.")
    var file: String

    func run() throws {
        let card: RateCard
        do {
            card = try RateCardReader.load(path: file)
        } catch {
            throw reportProblems(error, in: file)
        }
        let periods = card.periods.count
        Output.line(
            "\(file): valid (\(card.id), \(card.agency), \(card.currency), \(card.timeZone.identifier), \(periods) period\(periods == 1 ? "" : "s"))")
        for (i, period) in card.periods.enumerated() {
            let until = i + 1 < periods ? " until \(card.periods[i + 1].effectiveFrom)" : ""
            Output.line("  from \(period.effectiveFrom)\(until):")
            for unit in period.rates.keys.sorted() {
                Output.line(
                    "    \(unit.rawValue.padding(toLength: 22, withPad: " ", startingAt: 0)) \(Money(period.rates[unit]!, currency: card.currency).exactText) \(card.currency)"
                )
            }
        }
    }
}
