import ServiceLifecycle
import Synchronization
import UnixSignals

/// SIGINT/SIGTERM for the whole life of a command, not only while the service group runs:
/// a Ctrl-C during startup (initdb, pg_ctl) is remembered and honoured once the step ends,
/// so the embedded database is still stopped and nothing is left behind.
public final class ShutdownSignal: Sendable {
    private struct State {
        var requested = false
        var group: ServiceGroup?
    }
    private let state = Mutex(State())

    public init() {}

    /// True once a signal arrived.
    public var isRequested: Bool { state.withLock { $0.requested } }

    /// Watches the signals until the task running it is cancelled.
    public func watch() async {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        for await _ in signals {
            let group = state.withLock { state -> ServiceGroup? in
                state.requested = true
                return state.group
            }
            await group?.triggerGracefulShutdown()
        }
    }

    /// Hands later signals to `group`; if one already arrived, shuts it down at once.
    public func attach(_ group: ServiceGroup) async {
        let already = state.withLock { state -> Bool in
            state.group = group
            return state.requested
        }
        if already { await group.triggerGracefulShutdown() }
    }
}
