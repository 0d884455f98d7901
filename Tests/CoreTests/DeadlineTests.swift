import Dispatch
import Synchronization
import Testing

@testable import Core

/// `withDeadline` gives up on an operation that ignores cancellation instead of waiting for it
/// (a task group would wait: that is how a dead database could hold the collector forever).
@Suite("Deadline")
struct DeadlineTests {
    final class Flag: Sendable {
        let value = Mutex(false)
    }

    @Test func anOperationThatIgnoresCancellationDoesNotHoldTheCaller() async throws {
        let finished = Flag()
        await #expect(throws: CancellationError.self) {
            try await withDeadline(.milliseconds(50)) {
                // Resumes after 3 s whatever happens: cancellation is not looked at.
                await withCheckedContinuation { continuation in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 3) {
                        finished.value.withLock { $0 = true }
                        continuation.resume()
                    }
                }
            }
        }
        #expect(finished.value.withLock { $0 } == false, "the caller was released before the operation ended")
    }

    @Test func aQuickOperationGivesItsResultOrItsError() async throws {
        #expect(try await withDeadline(.seconds(30)) { 42 } == 42)
        struct Refused: Error {}
        await #expect(throws: Refused.self) { try await withDeadline(.seconds(30)) { throw Refused() } }
    }

    @Test func cancellingTheCallerCancelsTheWait() async throws {
        let task = Task { try await withDeadline(.seconds(3600)) { try await Task.sleep(for: .seconds(3600)) } }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
