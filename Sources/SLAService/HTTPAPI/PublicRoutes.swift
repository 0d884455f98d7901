import Config
import Core
import Crypto
import Exposition
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PostgresNIO
import SLOEngine
import Synchronization
import Widgets

/// The public, read-only API: no login, open to every origin, cacheable, answered from the SLO
/// snapshot alone (never the database). `GET /public/v1/services` and
/// `GET /public/v1/services/{id}/sla?period=24h|7d|30d|90d|YYYY-MM`, JSON; schemas at
/// `/public/v1/schema/`. A service marked `public: false` answers exactly as an unknown one.
struct PublicRoutes: Sendable {
    package let services: [ServiceDefinition]
    package let store: SLOSnapshotStore
    /// For `at=` (the page as of a past time), which the snapshot cannot hold; nil answers 503.
    package let postgres: PostgresClient?
    package let logger: Logger
    package let now: @Sendable () -> Int64

    package init(
        services: [ServiceDefinition], store: SLOSnapshotStore, postgres: PostgresClient? = nil, logger: Logger = Logger(label: "public"),
        now: @escaping @Sendable () -> Int64 = { WallClock.now() }
    ) {
        self.services = services.filter(\.isPublic)
        self.store = store
        self.postgres = postgres
        self.logger = logger
        self.now = now
    }

    package func register(on router: Router<AppRequestContext>) {
        for suffix in ["", ".xml"] {
            router.get("public/v1/services\(suffix)") { request, _ in
                let xml = Self.wantsXML(request, suffix)
                return self.send(
                    request, self.cached(Self.key(service: nil, period: nil, xml: xml)) { self.render(self.list(), root: "services", xml: xml) })
            }
            router.get("public/v1/services/:id/sla\(suffix)") { request, context in
                let xml = Self.wantsXML(request, suffix)
                let id = context.parameters.get("id") ?? ""
                guard let service = services.first(where: { $0.id == id }) else {
                    return respond(request, .failure(APIError(.notFound, "no public service with that id")), root: "sla", xml: xml)
                }
                let period: String = request.uri.queryParameters.get("period").map { String($0) } ?? "30d"
                if let at = request.uri.queryParameters.get("at") {
                    return send(request, render(await past(service, period: period, at: String(at)), root: "sla", xml: xml))
                }
                let answer = { self.render(self.sla(service, period: period), root: "sla", xml: xml) }
                // Only answers for periods that exist are kept: a query string cannot grow the cache.
                guard PeriodSummary.rolling.contains(where: { $0.0 == period }) || (store.snapshot?.periods[service.id]?[period] != nil) else {
                    return send(request, answer())
                }
                return send(request, cached(Self.key(service: service.id, period: period, xml: xml), answer))
            }
        }
        router.get("public/v1/services/:id/badge.svg") { request, context in
            let id = context.parameters.get("id") ?? ""
            let period = request.uri.queryParameters.get("period").map { String($0) } ?? "24h"
            let language = request.uri.queryParameters.get("lang") == "es" ? "es" : "en"
            guard let service = services.first(where: { $0.id == id }) else {
                // An image that says so (a hidden service's looks the same), not a broken one.
                return send(request, SLABadge.unknownService(language: language).rendered(status: .notFound))
            }
            guard PeriodSummary.rolling.contains(where: { $0.0 == period }) || store.snapshot?.periods[service.id]?[period] != nil else {
                return respond(
                    request, .failure(APIError(.badRequest, "no badge for that period; use 24h, 7d, 30d, 90d or a month with figures")),
                    root: "error", xml: false)
            }
            return send(
                request,
                cached("badge \(service.id) \(period) \(language)") {
                    let snapshot = store.snapshot
                    let summary = snapshot?.periods[service.id]?[period]
                    let status = Self.status(of: service, in: snapshot)
                    let badge = SLABadge(
                        name: service.name, status: status, uptimePercent: summary?.uptime.map { Self.floorPercent($0) },
                        period: SLABadge.periodLabel(period, language: language), language: language)
                    return badge.rendered(status: .ok)
                })
        }
        router.get("public/v1/schema/:name") { request, context in
            let name = context.parameters.get("name") ?? ""
            guard let schema = PublicSchemas.all[name] else {
                let names = PublicSchemas.all.keys.sorted().joined(separator: ", ")
                return respond(request, .failure(APIError(.notFound, "no schema by that name; there are \(names)")), root: "error", xml: false)
            }
            return respond(
                request, .success(schema), root: "", xml: false, raw: name.hasSuffix(".xsd") ? "application/xml" : "application/schema+json")
        }
    }

    /// XML when the path ends in `.xml` or the client asks for it (and not for JSON first).
    static func wantsXML(_ request: Request, _ suffix: String) -> Bool {
        wantsXML(accept: request.headers[.accept], suffix: suffix == ".xml")
    }

    static func wantsXML(accept: String?, suffix: Bool) -> Bool {
        if suffix { return true }
        guard let accept = accept?.lowercased() else { return false }
        guard let xml = accept.range(of: "application/xml") ?? accept.range(of: "text/xml") else { return false }
        return accept.range(of: "application/json").map { xml.lowerBound < $0.lowerBound } ?? true
    }

    /// The answer, as JSON or XML (or `raw` text of that content type), with the headers every
    /// public answer carries; 304 when the client has it already.
    func respond(_ request: Request, _ body: Result<Any, APIError>, root: String, xml: Bool, raw: String? = nil) -> Response {
        send(request, render(body, root: root, xml: xml, raw: raw))
    }

    /// An answer ready to send: the same bytes (and ETag) for every request until the snapshot changes.
    struct Rendered: Sendable {
        package var status: HTTPResponse.Status
        package var headers: HTTPFields
        package var body: ByteBuffer
        var tag: String
        /// The head as the router writes it, made once when the answer is cached (what the
        /// fast path sends); nil for answers rendered for one request only.
        var wire: WireHeads?

        /// This answer for `request`: 304 without a body when the client has it already.
        package func response(to request: Request) -> Response {
            if notModified(request.headers[.ifNoneMatch]) { return Response(status: .notModified, headers: headers) }
            return Response(status: status, headers: headers, body: .init(byteBuffer: body))
        }

        /// Whether an `If-None-Match` header names this answer (or `*`): then 304, no body.
        func notModified(_ ifNoneMatch: String?) -> Bool {
            guard status == .ok, let ifNoneMatch else { return false }
            return ifNoneMatch.split(separator: ",").contains {
                let candidate = $0.trimmingCharacters(in: .whitespaces)
                return candidate == "*" || candidate.replacingOccurrences(of: "W/", with: "") == tag
            }
        }
    }

    /// Answers rendered from the current snapshot, by route and representation.
    final class Cache: Sendable {
        let entries = Mutex<(stamp: Int64?, answers: [String: Rendered])>((nil, [:]))
    }
    let cache = Cache()
    /// `at=` requests being answered now, and how many may be at once.
    package let history = Counter()
    static let historyLimit = 4

    package final class Counter: Sendable {
        package let value = Mutex(0)
        package func withLock<T>(_ body: (inout Int) -> T) -> T { value.withLock { body(&$0) } }
    }

    /// The cache key of the services list (`service` nil) or of a service's SLA page.
    package static func key(service: String?, period: String?, xml: Bool) -> String {
        guard let service else { return "services \(xml)" }
        return "sla \(service) \(period ?? "30d") \(xml)"
    }

    /// The answer for `key` if it is rendered already for the current, fresh snapshot.
    func hit(_ key: String) -> Rendered? {
        guard let stamp = store.freshStamp else { return nil }
        return cache.entries.withLock { $0.stamp == stamp ? $0.answers[key] : nil }
    }

    /// The answer for `key` from the current snapshot, rendered once per snapshot. Stale answers
    /// carry their age, so they are rendered each time.
    func cached(_ key: String, _ render: () -> Rendered) -> Rendered {
        guard let snapshot = store.snapshot, !snapshot.stale else { return render() }
        if let hit = hit(key) { return hit }
        var fresh = render()
        fresh.wire = WireHeads(fresh)
        cache.entries.withLock { entries in
            if entries.stamp != snapshot.evaluatedAt { entries = (snapshot.evaluatedAt, [:]) }
            entries.answers[key] = fresh
        }
        return fresh
    }

    /// The rendered answer, or 304 when the client has it already.
    package func send(_ request: Request, _ answer: Rendered) -> Response {
        answer.response(to: request)
    }

    func render(_ body: Result<Any, APIError>, root: String, xml: Bool, raw: String? = nil) -> Rendered {
        var contentType = raw ?? (xml ? "application/xml; charset=utf-8" : "application/json")
        let data: Data
        let status: HTTPResponse.Status
        switch body {
        case .success(let ok):
            status = .ok
            if raw != nil, let text = ok as? String {
                data = Data(text.utf8)
            } else {
                data = Self.encode(ok, root: root, xml: xml)
            }
        case .failure(let error):
            status = error.status
            let detail = Self.tree(PublicError(status: Int(error.status.code), message: error.message))
            data = xml ? Self.encode(detail, root: "error", xml: true) : Self.encode(["error": detail], root: "error", xml: false)
            contentType = xml ? "application/xml; charset=utf-8" : "application/json"
        }
        var rendered = Self.rendered(Array(data), contentType: contentType, status: status)
        rendered.headers[.vary] = "Accept"
        return rendered
    }

    func list() -> Result<Any, APIError> {
        let snapshot = store.snapshot
        let entries = services.map { service in
            PublicServiceList.Entry(
                id: service.id, name: service.name, agency: service.agency, timeZone: service.timeZone,
                status: Self.status(of: service, in: snapshot), sla: "/public/v1/services/\(service.id)/sla")
        }
        return .success(Self.tree(PublicServiceList(header: header(snapshot), services: entries)))
    }

    /// The page as it stood at `at`: history is not in memory, so this one reads the rollups
    /// (the same evaluation the snapshot makes, at that moment).
    func past(_ service: ServiceDefinition, period: String, at text: String) async -> Result<Any, APIError> {
        guard let at = TimeText.milliseconds(text) else {
            return .failure(APIError(.badRequest, "at must be RFC 3339 (2026-10-31T23:59:00Z) or Unix seconds"))
        }
        guard at <= now() else { return .failure(APIError(.badRequest, "at must not be in the future")) }
        guard SampleTime.allows(at) else { return .failure(APIError(.badRequest, "at must not be before 1970")) }
        let zone = service.zone
        let span: TimeSpan
        let end = RangePlan.floor(at, 60_000)
        if let length = PeriodSummary.rolling.first(where: { $0.0 == period })?.1 {
            span = TimeSpan(start: end - length.milliseconds, end: end)
        } else if let month = SLOWindow.month(period, timeZone: zone) {
            guard month.start < end else { return .failure(APIError(.badRequest, "the month \(period) had not begun at \(text)")) }
            span = TimeSpan(start: month.start, end: min(month.end, end))
        } else {
            return sla(service, period: period, snapshot: nil)  // the same 400 as without at=
        }
        guard let postgres else { return .failure(APIError(.serviceUnavailable, "history is not available here")) }
        // Each of these reads the database: a few at a time, the rest are told to come back.
        guard
            history.withLock({ inFlight in
                guard inFlight < Self.historyLimit else { return false }
                inFlight += 1
                return true
            })
        else {
            return .failure(APIError(.serviceUnavailable, "too many requests for past pages at once; try again in a few seconds"))
        }
        defer { history.withLock { $0 -= 1 } }
        do {
            let reader = SLOStatusReader(postgres: postgres, logger: logger)
            var snapshot = SLOSnapshot(evaluatedAt: at, entries: try await reader.entries(of: service, at: at))
            snapshot.periods[service.id] = [
                period: try await PeriodSummary.read(service, name: period, span: span, postgres: postgres, logger: logger)
            ]
            return sla(service, period: period, snapshot: snapshot)
        } catch {
            return .failure(APIError(.serviceUnavailable, "history cannot be read now; try again later"))
        }
    }

    func sla(_ service: ServiceDefinition, period: String) -> Result<Any, APIError> {
        sla(service, period: period, snapshot: store.snapshot)
    }

    func sla(_ service: ServiceDefinition, period: String, snapshot: SLOSnapshot?) -> Result<Any, APIError> {
        let allowed = PeriodSummary.rolling.map(\.0) + ["YYYY-MM"]
        let isMonth = CalendarMonth(parsing: period) != nil
        guard PeriodSummary.rolling.contains(where: { $0.0 == period }) || isMonth else {
            return .failure(APIError(.badRequest, "period must be one of \(allowed.joined(separator: ", ")) (a month such as 2026-10)"))
        }
        let summary = snapshot?.periods[service.id]?[period]
        if isMonth, snapshot != nil, summary == nil {
            let known = (snapshot?.periods[service.id] ?? [:]).keys.filter { $0.contains("-") }.sorted()
            return .failure(APIError(.notFound, "no figures for \(period); months available: \(known.joined(separator: ", "))"))
        }
        let zone = service.zone
        let bounds = summary.map { summary in
            PublicSLA.Period.Bounds(
                start: SLOStatus.rfc3339(summary.span.start), end: SLOStatus.rfc3339(summary.span.end),
                startLocal: Self.local(summary.span.start, zone), endLocal: Self.local(summary.span.end, zone))
        }
        let slos = service.slos.map { slo in
            let status = snapshot?.entry(service: service.id, slo: slo.id)?.status
            return PublicSLA.SLO(
                id: slo.id, objectivePercent: NSDecimalNumber(decimal: slo.objective).stringValue,
                attainmentPercent: status?.attainment.map(Self.floorPercent),
                errorBudgetRemainingRatio: status?.budgetRemaining, burnRate1h: status?.burnRates[.h1],
                window: status.map { .init(start: SLOStatus.rfc3339($0.window.start), end: SLOStatus.rfc3339($0.window.end)) })
        }
        let document = PublicSLA(
            header: header(snapshot), service: .init(id: service.id, name: service.name, agency: service.agency),
            period: .init(name: period, bounds: bounds, timeZone: service.timeZone), status: Self.status(of: service, in: snapshot),
            uptimePercent: summary?.uptime.map(Self.floorPercent), latency: .init(p50: summary?.p50, p95: summary?.p95),
            targets: Self.targets(of: service), slos: slos)
        return .success(Self.tree(document))
    }

    /// A rendered answer of fixed bytes (`ops-sla-card.js`, a badge) with the public headers.
    /// `crossOrigin` false leaves out CORS and CORP (a page of our own, not data for others' pages).
    static func rendered(
        _ body: [UInt8], contentType: String, status: HTTPResponse.Status = .ok, cacheControl: String = "public, max-age=15",
        crossOrigin: Bool = true
    ) -> Rendered {
        let tag = "\"" + Hex.sha256(Data(body), bytes: 16) + "\""
        var headers: HTTPFields = [.cacheControl: cacheControl, .contentType: contentType, .eTag: tag]
        if crossOrigin {
            headers[.accessControlAllowOrigin] = "*"
            headers[.crossOriginResourcePolicy] = "cross-origin"
        }
        return Rendered(status: status, headers: headers, body: ByteBuffer(bytes: body), tag: tag)
    }

    /// What `service` promises, as the card shows it beside its figures: the objective of the
    /// SLO behind its uptime (its first ratio SLO, else a probe SLO) and its first latency bound.
    static func targets(of service: ServiceDefinition) -> PublicSLA.Targets {
        let availability = service.slos.first { if case .ratio = $0.sli { true } else { false } } ?? service.slos.first { $0.sli == .probe }
        var latency: PublicSLA.Targets.LatencyTarget?
        for slo in service.slos {
            if case .latency(_, let percentile, let below) = slo.sli {
                latency = .init(percentile: percentile.map { NSDecimalNumber(decimal: $0).doubleValue }, below: below)
                break
            }
        }
        return PublicSLA.Targets(uptimePercent: availability.map { NSDecimalNumber(decimal: $0.objective).stringValue }, latency: latency)
    }

    /// What every answer says of the snapshot behind it: when it was made, and, when it is
    /// stale (the database is away), how old it is. A fresh answer stays the same bytes until the
    /// next evaluation, so its ETag does.
    package func header(_ snapshot: SLOSnapshot?) -> PublicHeader {
        // Before the first evaluation nothing is stale: the server is starting.
        guard let snapshot else { return PublicHeader(generatedAt: nil, stale: false, ageSeconds: nil, starting: true) }
        return PublicHeader(
            generatedAt: SLOStatus.rfc3339(snapshot.evaluatedAt), stale: snapshot.stale,
            ageSeconds: snapshot.stale ? max(0, (now() - snapshot.evaluatedAt) / 1000) : nil)
    }

    /// A document as the tree both representations are written from (`encode`). Our documents
    /// hold plain values only: encoding them cannot fail.
    static func tree(_ document: some Encodable) -> Any { (try? PublicTree.of(document)) ?? [String: Any]() }

    /// The answer's bytes; a figure that is not finite is unknown (`null` in JSON, left out of XML).
    static func encode(_ object: Any, root: String, xml: Bool) -> Data {
        let object = FiniteJSON.sanitized(object)
        if xml { return Data(PublicXML.document(root: root, object).utf8) }
        // Only values our own code put in the tree, every one finite now: it cannot fail.
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }

    /// `breaching` when an SLO has spent more than its budget; `degraded` when an alert condition
    /// fires; `unknown` without figures (none yet, none with data, or stale for over 5 minutes).
    package static func status(of service: ServiceDefinition, in snapshot: SLOSnapshot?) -> SLACardStatus {
        guard let snapshot else { return .unknown }
        let statuses = snapshot.entries.filter { $0.service == service.id }.compactMap(\.status).filter { $0.attainment != nil }
        if statuses.isEmpty || (snapshot.stale && WallClock.now() - snapshot.evaluatedAt > 300_000) { return .unknown }
        if statuses.contains(where: { ($0.budgetRemaining ?? 1) < 0 }) { return .breaching }
        if statuses.contains(where: { $0.conditions.contains(where: \.firing) }) { return .degraded }
        return .operational
    }

    /// A share as a percentage with two decimals, floored: 0.998996 is 99.89, never 99.9.
    static func floorPercent(_ share: Double) -> Double {
        (min(1, max(0, share)) * 10_000 + 1e-9).rounded(.down) / 100
    }

    package static func local(_ ms: Int64, _ zone: TimeZone) -> String { TimeText.rfc3339(ms, in: zone) }
}

extension SLABadge {
    /// The badge as a public answer.
    func rendered(status: HTTPResponse.Status) -> PublicRoutes.Rendered {
        PublicRoutes.rendered(Array(svg().utf8), contentType: "image/svg+xml; charset=utf-8", status: status)
    }
}

extension HTTPField.Name {
    static let crossOriginResourcePolicy = Self("Cross-Origin-Resource-Policy")!
}
