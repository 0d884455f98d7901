import Core
import Foundation

/// The demo service cannot start as asked.
public enum DemoServiceError: UserFacing, Sendable, CustomStringConvertible {
    /// Its admin endpoint would listen beyond this machine without a token.
    case adminTokenNeeded(host: String)

    public var description: String {
        switch self {
        case .adminTokenNeeded(let host): "the demo's admin endpoint needs --admin-token when listening on \(host)"
        }
    }
}
