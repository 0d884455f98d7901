import Core
import NIOCore
import Storage

// The sentences for the errors listening can end `up` and `serve` with.

extension IOError: UserFacing {
    public var userFacingDescription: String {
        switch errnoCode {
        case 98: "the address to listen on is already in use; choose another port"
        case 13: "not allowed to listen on that address or port (ports below 1024 need privileges)"
        default: UserFacingError.unexpected
        }
    }
}
