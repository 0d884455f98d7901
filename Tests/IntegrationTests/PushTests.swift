import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

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
                uri: "/push/job/demo_batch/instance/laptop", method: .put, headers: Self.auth,
                body: ByteBuffer(string: "# TYPE demo_hits_total counter\ndemo_hits_total 1000\n")
            ) { #expect($0.status == .ok) }
            try await http.execute(
                uri: "/push/job/demo_batch/instance/laptop", method: .post, headers: Self.auth,
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
                try await http.execute(uri: "/push/job/j", method: .put, headers: Self.auth, body: ByteBuffer(string: body)) {
                    #expect($0.status == .ok)
                }
            }
            #expect(await store.snapshot().first?.1.map(\.name) == ["c"])
            try await http.execute(uri: "/push/job/j", method: .delete, headers: Self.auth) { #expect($0.status == .accepted) }
            #expect(await store.snapshot().isEmpty)
        }
    }

    @Test(arguments: [
        ("/push/job/j", "x{job=\"other\"} 1\n", HTTPResponse.Status.badRequest, "conflicts with the URL"),
        ("/push/job/j", "x 1 1700000000000\n", .badRequest, "must not carry timestamps"),
        ("/push/job/j", "x{ 1\n", .badRequest, "invalid"),
        ("/push/job/j/odd", "x 1\n", .badRequest, "label/value pairs"),
        ("/push/job/j/bad-name/v", "x 1\n", .badRequest, "not a label name"),
        ("/push/job/j", "c{v=\"a\u{0}b\"} 1\n", .badRequest, "line 1: label v of c holds a NUL character"),
        ("/push/job/j/v/a%00b", "c 1\n", .badRequest, "no NUL"),
        ("/push/job/j/v@base64/YQBi", "c 1\n", .badRequest, "without NUL"),
        ("/push/job/j", "c{v=\"\(String(repeating: "x", count: 5000))\"} 1\n", .badRequest, "5000 bytes long; at most 4096"),
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
            try await http.execute(uri: "/push/job/j", method: .put, body: ByteBuffer(string: "x 1\n")) { #expect($0.status == .unauthorized) }
            for job in ["a", "b", "c"] {
                try await http.execute(uri: "/push/job/\(job)", method: .put, headers: Self.auth, body: ByteBuffer(string: "x 1\n")) {
                    #expect($0.status == .ok)
                }
            }
            try await http.execute(uri: "/push/job/d", method: .put, headers: Self.auth, body: ByteBuffer(string: "x 1\n")) {
                #expect($0.status == .conflict)
            }
        }
    }

    @Test func base64LabelValuesMayHoldSlashes() throws {
        let group = try PushRoutes.group(["j", "path@base64", "L3Zhci90bXA"])
        #expect(group.labels == [Label("job", "j"), Label("path", "/var/tmp")])
    }
}
