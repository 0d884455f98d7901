import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import SLAService

/// Rendered public answers are sent from the connection's event loop once the router has
/// rendered them (`PublicFastPath`): the same status, headers and bytes as the router's, in
/// request order when pipelined, and everything it does not know goes on to the router.
@Suite("Public fast path")
struct PublicFastPathTests {
    static func served() -> (HMSConfig, SLOSnapshotStore) {
        var settings = DemoConfig.make(demoPort: 8000)
        settings.services.append(ServiceDefinition(id: "internal-batch", name: "Nightly batch", isPublic: false, slos: settings.services[0].slos))
        let store = SLOSnapshotStore()
        store.replace(SLOSnapshot(evaluatedAt: WallClock.now(), entries: []))
        return (settings, store)
    }

    static func withoutDate(_ fields: HTTPFields) -> [String] {
        fields.filter { $0.name != .date }.map { "\($0.name): \($0.value)" }
    }

    @Test func theSecondAskingGetsTheRoutersAnswerByteForByte() async throws {
        let (config, store) = Self.served()
        let app = buildApplication(config, dependencies: .init(snapshots: store), logger: TestDatabase.logger)
        try await app.test(.live) { http in
            let sla = "/public/v1/services/crop-relief/sla"
            let variants: [(String, HTTPFields)] = [
                (sla, [:]), (sla + "?period=7d", [:]), (sla + ".xml", [:]), (sla + "?period=24h", [.accept: "application/xml"]),
                ("/public/v1/services", [:]), ("/public/v1/services.xml", [:]), (sla + "?period=1y", [:]),
                ("/public/v1/services/internal-batch/sla", [:]), ("/public/v1/services/no-such/sla", [:]),
                (sla + "?period=7d&x=1", [:]), (sla, [.connection: "keep-alive"]),
            ]
            for (uri, headers) in variants {
                let first = try await http.execute(uri: uri, method: .get, headers: headers)
                let second = try await http.execute(uri: uri, method: .get, headers: headers)
                #expect(first.status == second.status, "\(uri)")
                #expect(Self.withoutDate(first.headers) == Self.withoutDate(second.headers), "\(uri)")
                #expect(first.body == second.body, "\(uri)")
                #expect(second.headers[.date] != nil && second.headers[.server] == "hms-ops", "\(uri)")
                #expect(second.headers[.contentSecurityPolicy] != nil && second.headers[.xContentTypeOptions] == "nosniff", "\(uri)")
            }
            // 304 from the fast path too.
            let tag = try #require(try await http.execute(uri: sla, method: .get).headers[.eTag])
            let again = try await http.execute(uri: sla, method: .get, headers: [.ifNoneMatch: tag])
            #expect(again.status == .notModified && again.body.readableBytes == 0)
            #expect(again.headers[.eTag] == tag && again.headers[.contentLength] == nil, "\(again.headers)")

            // Pipelined: a cached answer, one for the router, a cached one that closes: in order, then closed.
            let port = try #require(http.port)
            let script = """
                import socket, sys
                s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
                get = lambda path, extra="": ("GET %s HTTP/1.1\\r\\nHost: x\\r\\n%s\\r\\n" % (path, extra)).encode()
                s.sendall(get("/public/v1/services/crop-relief/sla") + get("/public/v1/schema/error.json")
                          + get("/public/v1/services/crop-relief/sla?period=7d", "Connection: close\\r\\n"))
                s.settimeout(10)
                data = b""
                while True:
                    chunk = s.recv(65536)
                    if not chunk: break
                    data += chunk
                print(data.count(b"HTTP/1.1 200 OK"), data.find(b'"name":"30d"') < data.find(b'"$schema"') < data.find(b'"name":"7d"'))
                """
            let python = try #require(Subprocess.which("python3"))
            let run = try Subprocess(["-c", script, "\(port)"], executable: python)
            #expect(try await run.waitForExit(seconds: 20) == 0, "\(run.text)")
            #expect(run.text.trimmingCharacters(in: .whitespacesAndNewlines) == "3 True", "\(run.text)")
        }
    }

    @Test func onlyPlainRenderedRequestsAreAnsweredBeforeTheRouter() async throws {
        let (config, store) = Self.served()
        let routes = PublicRoutes(services: config.services, store: store)
        func request(_ path: String, _ fields: HTTPFields = [:], method: HTTPRequest.Method = .get) -> HTTPRequest {
            HTTPRequest(method: method, scheme: nil, authority: "x", path: path, headerFields: fields)
        }
        let sla = "/public/v1/services/crop-relief/sla"
        // Nothing is rendered yet.
        #expect(routes.fastAnswer(request(sla)) == nil)
        _ = routes.cached(PublicRoutes.key(service: "crop-relief", period: nil, xml: false)) {
            routes.render(routes.sla(config.services[0], period: "30d"), root: "sla", xml: false)
        }
        _ = routes.cached(PublicRoutes.key(service: "crop-relief", period: "7d", xml: true)) {
            routes.render(routes.sla(config.services[0], period: "7d"), root: "sla", xml: true)
        }
        #expect(routes.fastAnswer(request(sla))?.route == "/public/v1/services/{id}/sla")
        #expect(routes.fastAnswer(request(sla + "?period=30d")) != nil)
        #expect(routes.fastAnswer(request(sla + ".xml?period=7d")) != nil)
        #expect(routes.fastAnswer(request(sla + "?period=7d", [.accept: "application/xml"])) != nil)
        #expect(routes.fastAnswer(request(sla + "?period=7d")) == nil, "JSON for 7d was not rendered")
        for path in [
            sla + "?period=30d&at=1", sla + "?at=1", sla + "?period=30%64", "/public/v1/services/crop%2Drelief/sla", sla + "/",
            "/public/v1/services/crop-relief/slax", "/public/v1/servicescrop-relief/sla", "http://x" + sla,
        ] {
            #expect(routes.fastAnswer(request(path)) == nil, "\(path)")
        }
        #expect(routes.fastAnswer(request(sla, [.connection: "close"])) == nil)
        #expect(routes.fastAnswer(request(sla, [.connection: "Keep-Alive"])) != nil)
        #expect(routes.fastAnswer(request(sla, method: .head)) == nil)
        #expect(routes.fastAnswer(request(sla, method: .post)) == nil)
        // A stale snapshot is rendered afresh each time (it carries its age).
        store.markStale()
        #expect(routes.fastAnswer(request(sla)) == nil)
        #expect(HTTPDate.format(1_795_650_000) == "Wed, 25 Nov 2026 23:40:00 GMT")
    }
}
