import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@testable import Config
@testable import Core
@testable import Exposition
@testable import HTTPAPI
@testable import Ingest
@testable import SLAService

/// Pushgateway-compatible pushes: stored per group, observed by the collector every interval.
@Suite("Pushes")
struct PushTests {
    static let token = "push-token-0123456789"
    static let auth: HTTPFields = [.authorization: "Bearer \(token)"]

    func withApp(_ body: @Sendable (any TestClientProtocol, PushStore) async throws -> Void) async throws {
        var config = DemoConfig.make(demoPort: 8000)
        config.adminToken = Self.token
        let store = PushStore(maximumGroups: 3)
        let app = buildApplication(config, dependencies: .init(pushStore: store), logger: TestDatabase.logger)
        try await app.test(.router) { client in try await body(client, store) }
    }

    @Test func putThenPostKeepTheGroupsFamiliesAndTheCollectorObservesThem() async throws {
        try await withApp { http, store in
            try await http.execute(
                uri: "/metrics/job/demo_batch/instance/laptop", method: .put, headers: Self.auth,
                body: ByteBuffer(string: "# TYPE demo_hits_total counter\ndemo_hits_total 1000\n")
            ) { #expect($0.status == .ok) }
            try await http.execute(
                uri: "/metrics/job/demo_batch/instance/laptop", method: .post, headers: Self.auth,
                body: ByteBuffer(string: "# TYPE last_success gauge\nlast_success 1.79e9\n")
            ) { #expect($0.status == .ok) }
            let groups = await store.snapshot()
            #expect(groups.count == 1)
            #expect(groups[0].0.labels == [Label("job", "demo_batch"), Label("instance", "laptop")])
            #expect(Set(groups[0].1.map(\.name)) == ["demo_hits_total", "last_success"])

            let pipeline = IngestPipeline(writer: nil, grace: 0, logger: TestDatabase.logger, now: { 1_790_856_180_000 })
            let collector = PushCollector(store: store, pipeline: pipeline, interval: .seconds(15))
            await collector.collect(at: 1_790_856_000_000)
            await collector.collect(at: 1_790_856_060_000)
            await pipeline.flush()
            let rows = await pipeline.pending
            let hits = rows.filter { $0.series.metric == "demo_hits_total" }
            #expect(hits.count == 2)
            #expect(hits.allSatisfy { $0.series.labels == [Label("instance", "laptop"), Label("job", "demo_batch")] })
        }
    }

    @Test func putReplacesTheWholeGroupAndDeleteRemovesIt() async throws {
        try await withApp { http, store in
            for body in ["a 1\nb 2\n", "c 3\n"] {
                try await http.execute(uri: "/metrics/job/j", method: .put, headers: Self.auth, body: ByteBuffer(string: body)) {
                    #expect($0.status == .ok)
                }
            }
            #expect(await store.snapshot().first?.1.map(\.name) == ["c"])
            try await http.execute(uri: "/metrics/job/j", method: .delete, headers: Self.auth) { #expect($0.status == .accepted) }
            #expect(await store.snapshot().isEmpty)
        }
    }

    @Test(arguments: [
        ("/metrics/job/j", "x{job=\"other\"} 1\n", HTTPResponse.Status.badRequest, "conflicts with the URL"),
        ("/metrics/job/j", "x 1 1700000000000\n", .badRequest, "must not carry timestamps"),
        ("/metrics/job/j", "x{ 1\n", .badRequest, "invalid"),
        ("/metrics/job/j/odd", "x 1\n", .badRequest, "label/value pairs"),
        ("/metrics/job/j/bad-name/v", "x 1\n", .badRequest, "not a label name"),
        ("/metrics/job/j", "c{v=\"a\u{0}b\"} 1\n", .badRequest, "line 1: label v of c holds a NUL character"),
        ("/metrics/job/j/v/a%00b", "c 1\n", .badRequest, "no NUL"),
        ("/metrics/job/j/v@base64/YQBi", "c 1\n", .badRequest, "without NUL"),
        ("/metrics/job/j", "c{v=\"\(String(repeating: "x", count: 5000))\"} 1\n", .badRequest, "5000 bytes long; at most 4096"),
        ("/metrics/job/j", "# TYPE c counter\nc_total +Inf\n", .badRequest, "line 2: c_total counts up, so its value must be finite"),
        ("/metrics/job/j", "# TYPE c counter\nc_total 1e308\n", .badRequest, "at most 1e300"),
        ("/metrics/job/j/__name__/evil", "x 1\n", .badRequest, "names starting with __ are reserved"),
    ])
    func badPushesAreRefusedWithAReason(_ uri: String, _ body: String, status: HTTPResponse.Status, message: String) async throws {
        try await withApp { http, store in
            try await http.execute(uri: uri, method: .put, headers: Self.auth, body: ByteBuffer(string: body)) { response in
                #expect(response.status == status)
                #expect(String(buffer: response.body).contains(message))
            }
            #expect(await store.snapshot().isEmpty)
        }
    }

    @Test func pushesNeedTheTokenAndGroupsAreBounded() async throws {
        try await withApp { http, _ in
            try await http.execute(uri: "/metrics/job/j", method: .put, body: ByteBuffer(string: "x 1\n")) { #expect($0.status == .unauthorized) }
            for job in ["a", "b", "c"] {
                try await http.execute(uri: "/metrics/job/\(job)", method: .put, headers: Self.auth, body: ByteBuffer(string: "x 1\n")) {
                    #expect($0.status == .ok)
                }
            }
            try await http.execute(uri: "/metrics/job/d", method: .put, headers: Self.auth, body: ByteBuffer(string: "x 1\n")) {
                #expect($0.status == .conflict)
            }
        }
    }

    /// All groups together hold a bounded number of samples (each costs memory); deleting a
    /// group gives its share back.
    @Test func pushesTogetherHoldBoundedSamples() async throws {
        let store = PushStore(maximumSamples: 5)
        let three = ExpositionParser.parse(Array("a 1\nb 2\nc 3\n".utf8), format: .prometheusText).families
        let one = PushStore.Group(labels: [Label("job", "one")]), two = PushStore.Group(labels: [Label("job", "two")])
        #expect(await store.push(three, to: one, mode: .replaceGroup) == nil)
        #expect(await store.push(three, to: two, mode: .replaceGroup)?.contains("pushes would hold 6 samples; at most 5") == true)
        #expect(await store.push(three, to: one, mode: .replaceGroup) == nil, "replacing a group counts it once")
        await store.delete(one)
        #expect(await store.push(three, to: two, mode: .replaceGroup) == nil)
    }

    @Test func base64LabelValuesMayHoldSlashes() throws {
        let group = try PushRoutes.group(["j", "path@base64", "L3Zhci90bXA"])
        #expect(group.labels == [Label("job", "j"), Label("path", "/var/tmp")])
    }

    /// prometheus_client (from PyPI), unchanged, pushes as it pushes to a Pushgateway: PUT,
    /// POST and DELETE on `/metrics/job@base64/...` (its job holds a slash), with its grouping key.
    @Test func prometheusClientsPushAddAndDeleteReachTheirGroup() async throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("parity/pushgateway_client.py").path
        var config = DemoConfig.make(demoPort: 8000)
        config.adminToken = Self.token
        config.listen.port = 0
        let store = PushStore()
        let app = buildApplication(config, dependencies: .init(pushStore: store), logger: TestDatabase.logger)
        try await app.test(.live) { http in
            let port = try #require(http.port)
            func run(_ step: String) async throws {
                let child = try Subprocess(
                    [script, step, "127.0.0.1:\(port)", Self.token], executable: Subprocess.which("python3") ?? "/usr/bin/python3")
                let status = try await child.waitForExit(seconds: 60)
                #expect(status == 0, "python3 with prometheus_client (make test installs it): \(child.text)")
            }
            let group = PushStore.Group(labels: [Label("job", "nightly/backup"), Label("instance", "host-1")])
            try await run("push")
            var families = try #require(await store.snapshot().first { $0.0 == group }?.1)
            #expect(Set(families.map(\.name)) == ["backup_last_success_timestamp_seconds", "backup_runs_total", "backup_runs_created"])
            try await run("pushadd")
            families = try #require(await store.snapshot().first { $0.0 == group }?.1)
            #expect(
                Set(families.map(\.name)) == ["backup_last_success_timestamp_seconds", "backup_runs_total", "backup_runs_created", "backup_bytes"])
            try await run("delete")
            #expect(await store.snapshot().isEmpty)
        }
    }

    /// Without an admin token, a write through a proxy is refused even from loopback (behind a
    /// reverse proxy every client is a loopback peer); a direct local client may write. The
    /// bearer scheme is matched in any case.
    @Test func withoutATokenProxiedWritesAreRefused() async throws {
        var config = DemoConfig.make(demoPort: 8000)
        config.listen.port = 0
        let app = buildApplication(config, dependencies: .init(pushStore: PushStore()), logger: TestDatabase.logger)
        try await app.test(.live) { http in
            for header in ["X-Forwarded-For", "Forwarded", "X-Real-IP", "Via", "X-Forwarded-Host", "True-Client-IP"] {
                let headers: HTTPFields = [HTTPField.Name(header)!: "203.0.113.9"]
                try await http.execute(uri: "/metrics/job/j", method: .put, headers: headers, body: ByteBuffer(string: "x 1\n")) { response in
                    #expect(response.status == .forbidden, "\(header)")
                    #expect(String(buffer: response.body).contains("came through a proxy"))
                }
            }
            try await http.execute(uri: "/metrics/job/j", method: .put, body: ByteBuffer(string: "x 1\n")) { #expect($0.status == .ok) }
        }
        try await withApp { http, _ in
            for scheme in ["bearer", "BEARER", "Bearer"] {
                try await http.execute(
                    uri: "/metrics/job/j", method: .put, headers: [.authorization: "\(scheme) \(Self.token)"], body: ByteBuffer(string: "x 1\n")
                ) { #expect($0.status == .ok, "\(scheme)") }
            }
            try await http.execute(
                uri: "/metrics/job/j", method: .put, headers: [.authorization: "Basic \(Self.token)"], body: ByteBuffer(string: "x 1\n")
            ) { #expect($0.status == .unauthorized) }
        }
    }
}
