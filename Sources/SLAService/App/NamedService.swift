import Core
import ServiceLifecycle

/// A part of the server under a name a person knows ("the collector"): if it stops while the
/// server is not stopping (it returned, or failed), the error says which part and why, instead
/// of the service group's type name or "an unexpected error".
public struct NamedService: Service {
    /// The part's name in a sentence: "the collector".
    public let name: String
    let inner: any Service

    public init(_ name: String, _ inner: any Service) {
        self.name = name
        self.inner = inner
    }

    public func run() async throws {
        do {
            try await inner.run()
        } catch {
            guard !Task.isCancelled, !Task.isShuttingDownGracefully, !(error is CancellationError) else { throw error }
            throw LaunchError.serviceFailed(name: name, reason: UserFacingError.describe(error))
        }
        guard Task.isCancelled || Task.isShuttingDownGracefully else {
            throw LaunchError.serviceEnded(name: name)
        }
    }
}
