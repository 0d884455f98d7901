import Synchronization

/// Runs `operation`, but gives up waiting after `timeout`: throws `CancellationError` then and
/// cancels the operation without waiting for it to wind down. A task group would wait for its
/// child, so an operation that ignores cancellation (a database driver waiting for a connection
/// to a server that is gone) would hold the caller forever; this never does. The operation may
/// still finish afterwards: use it only where that is harmless (our writes are idempotent
/// upserts; evaluations replace a snapshot).
package func withDeadline<T: Sendable>(_ timeout: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    let outcome = Once<T>()
    let work = Task {
        do { outcome.resume(with: .success(try await operation())) } catch { outcome.resume(with: .failure(error)) }
    }
    let timer = Task {
        try? await Task.sleep(for: timeout)
        if outcome.resume(with: .failure(CancellationError())) { work.cancel() }
    }
    defer { timer.cancel() }
    return try await withTaskCancellationHandler {
        try await outcome.value()
    } onCancel: {
        work.cancel()
        outcome.resume(with: .failure(CancellationError()))
    }
}

/// A result that is set once; the first `resume` wins and wakes the waiter.
private final class Once<T: Sendable>: Sendable {
    private enum State {
        case waiting(CheckedContinuation<T, any Error>?)
        case done(Result<T, any Error>)
    }
    private let state = Mutex<State>(.waiting(nil))

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
