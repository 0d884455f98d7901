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
