import Core

/// Why an SLO cannot be evaluated as configured. Each case carries what happened;
/// `description` says it with what to do.
public enum SLOError: UserFacing, Sendable, Equatable, CustomStringConvertible {
    /// An SLI's selector does not parse; `reason` is the parser's.
    case invalidSelector(text: String, reason: String)
    /// A latency SLI's threshold is not a bucket bound of its histogram (`bounds`: the first 30).
    case thresholdNotABound(threshold: String, histogram: String, bounds: [String])

    public var description: String {
        switch self {
        case .invalidSelector(let text, let reason):
            "selector \(text): \(reason)"
        case .thresholdNotABound(let threshold, let histogram, let bounds):
            "\(threshold) is not a bucket bound of \(histogram) (its bounds: " + bounds.joined(separator: ", ")
                + "); a latency SLI is exact only on a bound: use one of them, or add the bound to the histogram"
        }
    }
}
