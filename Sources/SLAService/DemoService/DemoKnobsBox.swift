import Synchronization

/// Knobs shared between the request handlers and the admin endpoint.
final class DemoKnobsBox: Sendable {
    private let value: Mutex<DemoKnobs>
    package init(_ knobs: DemoKnobs) { value = Mutex(knobs) }
    var current: DemoKnobs { value.withLock { $0 } }
    package func set(_ knobs: DemoKnobs) { value.withLock { $0 = knobs } }
}
