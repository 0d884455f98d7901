import Core

/// What was wrong with one line of an exposition.
public struct ExpositionError: UserFacing, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line number; 0 for the exposition as a whole.
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "line \(line): \(message)" : message }
}
