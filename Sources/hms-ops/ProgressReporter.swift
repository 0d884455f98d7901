import Synchronization

/// Prints a progress line to stderr at most once every two seconds. Imports report from their
/// own tasks, so the time of the last line is kept under a lock.
final class ProgressReporter: Sendable {
    private let last = Mutex(ContinuousClock.now - .seconds(10))

    func maybe(force: Bool = false, _ line: () -> String) {
        let now = ContinuousClock.now
        let due = last.withLock { last in
            guard force || now - last >= .seconds(2) else { return false }
            last = now
            return true
        }
        if due { Output.error(line()) }
    }
}
