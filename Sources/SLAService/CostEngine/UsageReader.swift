import Config
import Core
import CostModel
import Crypto
import Foundation
import Storage

/// Reads what a service used, minute by minute, from the rollups, and adds it up per quarter
/// hour: CPU cores (a CPU-seconds counter's increase in the minute / 60, over all targets),
/// memory and storage (each target's mean in the minute, summed), requests and egress (a
/// counter's increase). A minute without a value for a measure has no data for it; nothing is
/// guessed.
package struct UsageReader: Sendable {
    package let query: RollupQuery

    package init(query: RollupQuery) { self.query = query }

    /// The selectors of one service's usage, within its series.
    package struct Selectors: Sendable, Equatable {
        package var cpu: Selector
        package var memory: Selector
        package var requests: Selector?
        package var storage: Selector?
        package var egress: Selector?

        package init(_ service: ServiceDefinition) {
            let cost = service.cost
            cpu = cost.cpu.scoped(toJob: service.id)
            memory = cost.memory.scoped(toJob: service.id)
            requests = (cost.requests ?? Self.firstRatioTotal(service)).map { $0.scoped(toJob: service.id) }
            storage = cost.storage?.scoped(toJob: service.id)
            egress = cost.egress?.scoped(toJob: service.id)
        }

        /// The total of the service's first ratio SLI, the requests it serves.
        static func firstRatioTotal(_ service: ServiceDefinition) -> Selector? {
            for slo in service.slos {
                if case .ratio(_, _, let total) = slo.sli { return try? Selector(parsing: total) }
            }
            return nil
        }

        /// What identifies these selectors' stored quarters: change one and they start afresh.
        package var key: String {
            let text = [cpu.description, memory.description, requests?.description ?? "", storage?.description ?? "", egress?.description ?? ""]
                .joined(separator: "|")
            return Hex.sha256(Data(text.utf8), bytes: 16)
        }
    }

    static let quarter: Int64 = 15 * 60_000

    /// Per quarter hour of `span` (keyed by the quarter's start; a span that does not end on a
    /// quarter has a partial last one), what the selectors' series used.
    package func quarters(_ selectors: Selectors, in span: TimeSpan) async throws -> [Int64: Usage] {
        var out: [Int64: Usage] = [:]
        for start in stride(from: RangePlan.floor(span.start, Self.quarter), to: span.end, by: Int(Self.quarter)) { out[start] = Usage() }
        func add(_ measure: Usage.Measure, _ perMinute: [Int64: Double], dividedBy divisor: Decimal = 1) {
            for (minute, value) in perMinute {
                out[RangePlan.floor(minute, Self.quarter), default: Usage()].add(measure, value, dividedBy: divisor)
            }
        }
        func increases(_ selector: Selector) async throws -> [Int64: Double] {
            try await query.perMinute(query.series(selector).map(\.id), span, column: .increase)
        }
        func means(_ selector: Selector) async throws -> [Int64: Double] {
            try await query.perMinuteMeans(query.series(selector).map(\.id), span)
        }
        add(.cpu, try await increases(selectors.cpu), dividedBy: 60)
        add(.memory, try await means(selectors.memory))
        if let requests = selectors.requests { add(.requests, try await increases(requests)) }
        if let storage = selectors.storage { add(.storage, try await means(storage)) }
        if let egress = selectors.egress { add(.egress, try await increases(egress)) }
        return out
    }
}
