import Core
import Exposition
import Foundation
import Hummingbird
import Ingest

/// `PUT|POST|DELETE /metrics/job/{job}[/{label}/{value}...]`, the Pushgateway's own API and path
/// (every Pushgateway client uses it): the body is the text format (0.0.4, or OpenMetrics by
/// Content-Type); `job@base64` and `label@base64` take a base64url value (for values with `/`;
/// `=` alone is the empty value). Same gate as admin routes: token, or loopback only.
struct PushRoutes: Sendable {
    package let store: PushStore
    let gate: AdminGate
    /// What a pushed series may hold (checked here, so a push that cannot be stored is a 400).
    package var limits = SeriesLimits.standard
    /// How long a push's body may take to arrive.
    var bodyTimeout: Duration = .seconds(60)
    static let maximumBodyBytes = 16 << 20

    package func register(on router: Router<AppRequestContext>) {
        for (prefix, base64) in [("metrics/job/**", false), ("metrics/job@base64/**", true)] {
            router.put(RouterPath(prefix)) { request, context in try await self.handle(request, context, base64: base64, mode: .replaceGroup) }
            router.post(RouterPath(prefix)) { request, context in
                try await self.handle(request, context, base64: base64, mode: .replaceFamilies)
            }
            router.delete(RouterPath(prefix)) { request, context in
                try self.gate.check(request, context)
                await self.store.delete(try Self.group(context.parameters.getCatchAll(), jobInBase64: base64))
                return Response(status: .accepted)
            }
        }
    }

    func handle(_ request: Request, _ context: AppRequestContext, base64: Bool, mode: PushStore.Mode) async throws -> Response {
        try gate.check(request, context)
        let group = try Self.group(context.parameters.getCatchAll(), jobInBase64: base64)
        let buffer = try await request.collectBody(upTo: Self.maximumBodyBytes, what: "a push", timeout: bodyTimeout)
        let bytes = Array(buffer.readableBytesView)
        let format = request.headers[.contentType].flatMap(ExpositionFormat.init(contentType:)) ?? ExpositionFormat.sniff(bytes)
        let exposition = ExpositionParser.parse(bytes, format: format)
        if let first = exposition.errors.first {
            throw APIError(.badRequest, "the pushed metrics are invalid: \(first)")
        }
        for family in exposition.families {
            for sample in family.samples {
                if sample.timestamp != nil {
                    throw APIError(.badRequest, "line \(sample.line): pushed samples must not carry timestamps")
                }
                if let kind = SampleMapper.kind(of: sample.name, in: family, openMetrics: format == .openMetrics),
                    MinuteAccumulator.storable(sample.value, kind: kind) == nil
                {
                    throw APIError(
                        .badRequest, "line \(sample.line): \(QuotedText.clip(sample.name)) counts up, so its value must be finite and at most 1e300")
                }
                if let problem = limits.problem(metric: sample.name, labels: sample.labels + group.labels.filter { sample.label($0.name) == nil }) {
                    throw APIError(.badRequest, "line \(sample.line): \(problem)")
                }
                for label in group.labels {
                    if let value = sample.label(label.name), value != label.value {
                        throw APIError(
                            .badRequest,
                            "line \(sample.line): label \(label.name)=\"\(QuotedText.clip(value))\" conflicts with the URL's \(label.name)")
                    }
                }
            }
        }
        if let problem = await store.push(exposition.families, to: group, mode: mode) {
            throw APIError(.conflict, problem)
        }
        return Response(status: .ok)
    }

    /// `{job}/{label}/{value}...` after `/metrics/job/` (or `/metrics/job@base64/`), decoded and
    /// checked.
    package static func group(_ parts: [Substring], jobInBase64: Bool = false) throws -> PushStore.Group {
        guard let job = parts.first, !job.isEmpty else { throw APIError(.badRequest, "the URL needs a job: /metrics/job/{job}") }
        guard parts.count % 2 == 1, parts.count <= 41 else {
            throw APIError(.badRequest, "after the job, the URL takes label/value pairs, at most 20")
        }
        var labels = [Label("job", try decode(String(job), base64: jobInBase64))]
        guard !labels[0].value.isEmpty else { throw APIError(.badRequest, "the job in the URL is empty") }
        var index = 1
        while index < parts.count {
            var name = String(parts[index])
            let base64 = name.hasSuffix("@base64")
            if base64 { name.removeLast("@base64".count) }
            guard name.utf8.count <= 128, Line.isLegacyName(name, colon: false), !name.hasPrefix("__") else {
                throw APIError(.badRequest, "'\(QuotedText.clip(name))' is not a label name (names starting with __ are reserved)")
            }
            guard !labels.contains(where: { $0.name == name }) else { throw APIError(.badRequest, "label \(name) appears twice in the URL") }
            let value = try decode(String(parts[index + 1]), base64: base64)
            if !value.isEmpty { labels.append(Label(name, value)) }  // an empty value is no label, as in Prometheus
            index += 2
        }
        return PushStore.Group(labels: [labels[0]] + labels.dropFirst().sorted { $0.name < $1.name })
    }

    package static func decode(_ text: String, base64: Bool) throws -> String {
        guard let unescaped = text.removingPercentEncoding, unescaped.utf8.count <= 1024, !SeriesLimits.holdsNUL(unescaped) else {
            throw APIError(.badRequest, "a label value in the URL is not valid (percent-encoded UTF-8, at most 1024 bytes, no NUL)")
        }
        guard base64 else { return unescaped }
        if unescaped == "=" || unescaped.isEmpty { return "" }  // the Pushgateway's empty value
        var normalized = unescaped.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while normalized.count % 4 != 0 { normalized += "=" }
        guard let data = Data(base64Encoded: normalized), let value = String(data: data, encoding: .utf8), !SeriesLimits.holdsNUL(value) else {
            throw APIError(.badRequest, "a @base64 label value is not base64url-encoded UTF-8 (without NUL)")
        }
        return value
    }
}

extension Request {
    /// The whole body, or 413 naming `what` and the limit when it is larger, or 408 when it does
    /// not arrive whole within `timeout` (a writer trickling a body holds a connection and its
    /// buffer).
    func collectBody(upTo limit: Int, what: String, timeout: Duration = .seconds(60)) async throws -> ByteBuffer {
        let body = self.body
        do {
            return try await withDeadline(timeout) { try await body.collect(upTo: limit) }
        } catch is CancellationError {
            throw APIError(.requestTimeout, "\(what) did not arrive whole within \(timeout) (limits: body_timeout)")
        } catch {
            throw APIError(.contentTooLarge, "\(what) may be at most \(limit >> 20) MB")
        }
    }
}
