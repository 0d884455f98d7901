import CoreMetrics
import Foundation
import Hummingbird
import Ingest

/// `POST /api/v1/write`: Prometheus remote-write 1.0 (snappy-compressed protobuf). Samples go to
/// the same pipeline as scrapes, at their own timestamps, with their own labels (the sender's
/// `job`, `instance` and external labels). Same gate as pushes: the admin token, or loopback.
///
/// Remote-write carries no types with the samples, so the kind comes from the name
/// (`SampleMapper.seriesKey(named:labels:)`).
struct RemoteWriteRoutes: Sendable {
    package let pipeline: IngestPipeline
    let gate: AdminGate
    /// `hms_samples_ingested_total{source="remote_write"}`: samples stored.
    let ingested: Counter?
    /// How long a request's body may take to arrive.
    var bodyTimeout: Duration = .seconds(60)
    /// `hms_samples_dropped_total{source="remote_write", reason}`: samples not stored, by why.
    var droppedCounters: (ahead: Counter, outOfRange: Counter, refused: Counter)?
    static let maximumBodyBytes = 32 << 20
    static let maximumDecodedBytes = 64 << 20

    package func register(on router: Router<AppRequestContext>) {
        router.post("api/v1/write") { request, context in try await self.handle(request, context) }
    }

    func handle(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try gate.check(request, context)
        if let encoding = request.headers[.contentEncoding], encoding.lowercased() != "snappy" {
            throw APIError(.unsupportedMediaType, "remote-write bodies must be snappy-compressed (Content-Encoding: snappy)")
        }
        let buffer = try await request.collectBody(upTo: Self.maximumBodyBytes, what: "a remote-write request", timeout: bodyTimeout)
        let observations: (kept: [SampleMapper.Observation], nameless: Int)
        let raw: [UInt8]
        do {
            raw = try Snappy.decompress(Array(buffer.readableBytesView), maximumLength: Self.maximumDecodedBytes)
        } catch {
            throw APIError(.badRequest, "cannot decompress the request: \(error)")
        }
        do {
            observations = try WriteRequest(decoding: raw).observations()
        } catch {
            throw APIError(.badRequest, "not a remote-write WriteRequest: \(error)")
        }
        let dropped = await pipeline.ingest(observations.kept, source: "remote_write")
        let stored = observations.kept.count - dropped.total
        if stored > 0 { ingested?.increment(by: Int64(stored)) }
        let total = observations.kept.count + observations.nameless
        if let counters = droppedCounters {
            if dropped.ahead > 0 { counters.ahead.increment(by: Int64(dropped.ahead)) }
            if dropped.outOfRange > 0 { counters.outOfRange.increment(by: Int64(dropped.outOfRange)) }
            if dropped.refused + observations.nameless > 0 { counters.refused.increment(by: Int64(dropped.refused + observations.nameless)) }
        }
        guard dropped.total == 0, observations.nameless == 0 else {
            var reasons: [String] = []
            if dropped.ahead > 0 {
                reasons.append(
                    "\(dropped.ahead) stamped more than \(IngestPipeline.maximumAhead / 60_000) minutes ahead of this server's clock (check the sender's clock)"
                )
            }
            if dropped.outOfRange > 0 { reasons.append("\(dropped.outOfRange) stamped before 1970 or after 9999") }
            if observations.nameless > 0 { reasons.append("\(observations.nameless) of series without a __name__ label") }
            if dropped.refused > 0 { reasons.append("\(dropped.refused) of series that cannot be stored (\(dropped.refusal ?? "invalid labels"))") }
            // As Prometheus answers samples it cannot store: 400, which senders do not retry.
            throw APIError(
                .badRequest,
                "\(total - stored) of \(total) samples were not stored (the others were): \(reasons.joined(separator: "; "))")
        }
        return Response(status: .noContent)
    }
}
