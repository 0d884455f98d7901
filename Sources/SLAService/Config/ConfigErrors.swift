import Core

/// Every problem found in one configuration file; loading fails when it is not empty.
public struct ConfigErrors: UserFacing, Sendable, CustomStringConvertible {
    /// The problems in file order.
    public var issues: [ConfigIssue]

    public init(_ issues: [ConfigIssue]) {
        self.issues = issues.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
    }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
