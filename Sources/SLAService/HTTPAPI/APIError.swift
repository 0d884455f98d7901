import Core
import Hummingbird

/// An error a route means to show the client: status plus a message in the user's words.
public struct APIError: UserFacing, Sendable {
    public var status: HTTPResponse.Status
    public var message: String

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    public var userFacingDescription: String { message }

    /// The one JSON shape every error takes: `{"error": {"status": 404, "message": "..."}}`.
    struct Body: Encodable {
        struct Detail: Encodable {
            package var status: Int
            package var message: String
        }
        package var error: Detail
    }

    package var response: Response {
        JSONResponse.make(Body(error: .init(status: Int(status.code), message: message)), status: status)
    }
}
