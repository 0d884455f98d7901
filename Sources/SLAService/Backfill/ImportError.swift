import Core

/// Why an import stopped.
public struct ImportError: UserFacing, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
