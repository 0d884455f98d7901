import Core
import Foundation

/// Why a server command could not start, or stopped, in words that say what to do.
public enum LaunchError: UserFacing, Sendable, CustomStringConvertible {
    /// The server's port is taken; `flag` is the option that chooses another.
    case portInUse(host: String, port: Int, flag: String)
    case demoPortInUse(port: Int)
    /// A service of the server failed; `reason` is its error's sentence.
    case serviceFailed(name: String, reason: String)
    /// A service of the server ended without being asked to.
    case serviceEnded(name: String)

    public var description: String {
        switch self {
        case .portInUse(let host, let port, let flag):
            "port \(port) on \(host) is already in use; stop what uses it or choose another port with \(flag) N"
        case .demoPortInUse(let port):
            "the demo service's port \(port) is already in use; stop what uses it or choose another with --demo-port N"
        case .serviceFailed(let name, let reason): "\(name) stopped: \(reason)"
        case .serviceEnded(let name): "\(name) stopped unexpectedly; run again with --log-level debug and report what it logged"
        }
    }
}
