import Core
import Foundation

/// Why a server command could not start, in words that say what to do.
public struct LaunchError: UserFacing, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ message: String) { description = message }
}
