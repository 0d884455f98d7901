import Hummingbird
import Logging

/// Turns every error into our one JSON shape. Errors we did not mean to show are logged with the
/// request and answer a plain 500: no type names, driver messages or secrets reach the client.
package struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    package init() {}

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response
        } catch let error as HTTPError {
            // Hummingbird's own (404 for unknown routes, 405, body too large): keep the status, use our words.
            let message: String
            switch error.status {
            case .notFound: message = "nothing here; see / for what this server offers"
            case .methodNotAllowed: message = "this path does not accept \(request.method.rawValue)"
            case .contentTooLarge: message = "the request body is too large"
            default: message = error.status.reasonPhrase
            }
            return APIError(error.status, message).response
        } catch {
            context.logger.error(
                "unexpected error while answering a request",
                metadata: ["method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
            return APIError(.internalServerError, "the server could not answer this request; it has been logged").response
        }
    }
}
