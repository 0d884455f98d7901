/// A partial update of the knobs, as sent to `PUT /admin/knobs`.
struct DemoKnobsPatch: Decodable {
    var error_rate: Double?
    var latency_ms: Double?
}
