import Core
import Foundation

/// How a service's usage is read and what it may spend (`services[].cost:`). Every selector is
/// within the service's series (`job="<id>"` is added unless it names a job); without a
/// `cost:` block the defaults below apply, which is what Prometheus client libraries export.
public struct CostDefinition: Sendable, Equatable {
    /// A counter of CPU seconds; cores in a minute = its increase / 60, summed over targets.
    public var cpu = Selector(metric: "process_cpu_seconds_total")
    /// A gauge of resident bytes; a minute's figure = each target's mean, summed.
    public var memory = Selector(metric: "process_resident_memory_bytes")
    /// A counter of requests; nil: the total of the service's first ratio SLI.
    public var requests: Selector?
    /// A gauge of bytes stored (priced per GiB-month); nil: not priced.
    public var storage: Selector?
    /// A counter of bytes sent out (priced per GiB); nil: not priced.
    public var egress: Selector?
    /// False keeps every cost figure of the service off public pages and documents.
    public var isPublic = true
    /// What the service may spend in a month, in its card's currency; nil: no budget.
    public var monthlyBudget: Decimal?
    /// Replicas the service runs without autoscaling; what runs above it is the autoscaling
    /// extra. Nil: not computed.
    public var baselineReplicas: Int?

    public init() {}
}
