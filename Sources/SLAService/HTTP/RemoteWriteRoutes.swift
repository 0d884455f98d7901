import Foundation
import Hummingbird

/// `POST /api/v1/write`: Prometheus remote-write 1.0 (snappy-compressed protobuf). Samples go to
/// the same pipeline as scrapes, at their own timestamps, with their own labels (the sender's
/// `job`, `instance` and external labels). Same gate as pushes: the admin token, or loopback.
///
/// Remote-write carries no types with the samples, so the kind comes from the name
/// (`SampleMapper.seriesKey(named:labels:)`).
struct RemoteWriteRoutes: Sendable {
    let pipeline: IngestPipeline
    let gate: AdminGate
    static let maximumBodyBytes = 32 << 20
    static let maximumDecodedBytes = 64 << 20

    func register(on router: Router<AppRequestContext>) {
        router.post("api/v1/write") { request, context in try await self.handle(request, context) }
    }

    func handle(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try gate.check(request, context)
        if let encoding = request.headers[.contentEncoding], encoding.lowercased() != "snappy" {
            throw APIError(.unsupportedMediaType, "remote-write bodies must be snappy-compressed (Content-Encoding: snappy)")
        }
        let buffer = try await request.collectBody(upTo: Self.maximumBodyBytes, what: "a remote-write request")
        let observations: [SampleMapper.Observation]
        do {
            let raw = try Snappy.decompress(Array(buffer.readableBytesView), maximumLength: Self.maximumDecodedBytes)
            observations = Self.observations(try WriteRequest(decoding: raw))
        } catch let failure as Snappy.Failure {
            throw APIError(.badRequest, "cannot decompress the request: \(failure)")
        } catch let failure as WriteRequest.Failure {
            throw APIError(.badRequest, "not a remote-write WriteRequest: \(failure)")
        }
        let ahead = await pipeline.ingest(observations)
        guard ahead == 0 else {
            // As Prometheus answers samples it cannot store: 400, which senders do not retry.
            throw APIError(
                .badRequest,
                "\(ahead) of \(observations.count) samples are stamped more than \(IngestPipeline.maximumAhead / 60_000) minutes ahead of this server's clock and were not stored (the others were); check the sender's clock"
            )
        }
        return Response(status: .noContent)
    }

    static func observations(_ request: WriteRequest) -> [SampleMapper.Observation] {
        var out: [SampleMapper.Observation] = []
        for series in request.series {
            guard let name = series.labels.first(where: { $0.name == "__name__" })?.value, !name.isEmpty else { continue }
            let key = SampleMapper.seriesKey(named: name, labels: series.labels.filter { $0.name != "__name__" && !$0.value.isEmpty })
            for sample in series.samples { out.append(.init(series: key, value: sample.value, at: sample.timestamp)) }
        }
        return out
    }

}
