import Core
import Foundation

/// The demo service cannot start as asked.
public struct DemoServiceError: UserFacing, Sendable, CustomStringConvertible {
    public var description: String
    package init(_ message: String) { description = message }
}
