import Synchronization

/// A result set once, by whichever of several racers gets there first (an answer and a timer):
/// the first `resume` wins and wakes the waiter; later ones change nothing.
package final class Once<T: Sendable>: Sendable {
    private enum State {
        case waiting(CheckedContinuation<T, any Error>?)
        case done(Result<T, any Error>)
    }
    private let state = Mutex<State>(.waiting(nil))

    package init() {}

    /// Sets the result unless one is set already; true when this call set it.
    @discardableResult
    package func resume(with result: Result<T, any Error>) -> Bool {
        let waiter: CheckedContinuation<T, any Error>?? = state.withLock { state in
            guard case .waiting(let continuation) = state else { return .none }
            state = .done(result)
            return .some(continuation)
        }
        guard let waiter else { return false }
        waiter?.resume(with: result)
        return true
    }

    package func value() async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<T, any Error>? = state.withLock { state in
                switch state {
                case .done(let result): return result
                case .waiting:
                    state = .waiting(continuation)
                    return nil
                }
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
