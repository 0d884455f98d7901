import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import Config
@testable import Core
@testable import HTTPAPI
@testable import SLAService
@testable import SLOEngine

/// Rendered public answers are sent from the connection's bytes once the router has rendered
/// them (`PublicFastPath`, in front of NIO's HTTP parser): the same status, headers and bytes as
/// the router's, in request order when pipelined, and everything it does not read strictly goes
/// on to the router, with the rest of its connection.
@Suite("Public fast path")
struct PublicFastPathTests {
    static func served() -> (HMSConfig, SLOSnapshotStore) {
        var settings = DemoConfig.make(demoPort: 8000)
        settings.services.append(ServiceDefinition(id: "internal-batch", name: "Nightly batch", isPublic: false, slos: settings.services[0].slos))
        let store = SLOSnapshotStore()
        store.replace(SLOSnapshot(evaluatedAt: WallClock.now(), entries: []))
        return (settings, store)
    }

    /// Python for the socket tests: `talk(*parts)` sends each part on one connection (a pause
    /// between them) and returns what the server sent until it closed, `Date` lines removed;
    /// `get(path, extra)` is a request head.
    static let talk = """
        import socket, sys, time, re
        def talk(*parts):
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            for part in parts:
                s.sendall(part)
                time.sleep(0.2)
            s.settimeout(10)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk: break
                data += chunk
            return re.sub(rb"Date: [^\\r]*\\r\\n", b"", data)
        get = lambda path, extra="": ("GET %s HTTP/1.1\\r\\nHost: x\\r\\n%s\\r\\n" % (path, extra)).encode()

        """

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
            let script =
                Self.talk + """
                    data = talk(get("/public/v1/services/crop-relief/sla") + get("/public/v1/schema/error.json")
                                + get("/public/v1/services/crop-relief/sla?period=7d", "Connection: close\\r\\n"))
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
        func request(_ path: String, accept: String? = nil) -> (String, String?) { (path, accept) }
        func fastAnswer(_ request: (String, String?)) -> (route: String, answer: PublicRoutes.Rendered)? {
            routes.fastAnswer(target: request.0, accept: request.1)
        }
        let sla = "/public/v1/services/crop-relief/sla"
        // Nothing is rendered yet.
        #expect(fastAnswer(request(sla)) == nil)
        _ = routes.cached(PublicRoutes.key(service: "crop-relief", period: nil, xml: false)) {
            routes.render(routes.sla(config.services[0], period: "30d"), root: "sla", xml: false)
        }
        _ = routes.cached(PublicRoutes.key(service: "crop-relief", period: "7d", xml: true)) {
            routes.render(routes.sla(config.services[0], period: "7d"), root: "sla", xml: true)
        }
        #expect(fastAnswer(request(sla))?.route == "/public/v1/services/{id}/sla")
        #expect(fastAnswer(request(sla + "?period=30d")) != nil)
        #expect(fastAnswer(request(sla + ".xml?period=7d")) != nil)
        #expect(fastAnswer(request(sla + "?period=7d", accept: "application/xml")) != nil)
        #expect(fastAnswer(request(sla + "?period=7d")) == nil, "JSON for 7d was not rendered")
        for path in [
            sla + "?period=30d&at=1", sla + "?at=1", sla + "?period=30%64", "/public/v1/services/crop%2Drelief/sla", sla + "/",
            "/public/v1/services/crop-relief/slax", "/public/v1/servicescrop-relief/sla", "http://x" + sla,
        ] {
            #expect(fastAnswer(request(path)) == nil, "\(path)")
        }
        // A stale snapshot is rendered afresh each time (it carries its age).
        store.markStale()
        #expect(fastAnswer(request(sla)) == nil)
        #expect(HTTPDate.format(1_795_650_000) == "Wed, 25 Nov 2026 23:40:00 GMT")
    }

    /// What the raw head reader takes, and what it leaves to NIO's parser.
    @Test func onlyAStrictWholeGetHeadIsReadBeforeTheParser() {
        func parse(_ text: String) -> RequestHead? {
            Array(text.utf8).withUnsafeBytes { RequestHead.parse($0) }
        }
        let sla = "/public/v1/services/crop-relief/sla"
        // A first read that ends right after the request line's CR (its LF in the next segment):
        // the reader once looked one byte past what it was given.
        #expect(parse("GET \(sla) HTTP/1.1\r") == nil)
        let plain = "GET \(sla) HTTP/1.1\r\nHost: x\r\n\r\n"
        #expect(parse(plain) == RequestHead(target: sla, accept: nil, ifNoneMatch: nil, length: plain.utf8.count))
        let full = parse(
            "GET \(sla)?period=7d HTTP/1.1\r\nhost:x\r\nACCEPT:  application/xml \t\r\nIf-None-Match: \"abc\"\r\nConnection: Keep-Alive\r\n\r\nGET /next"
        )
        #expect(full?.target == sla + "?period=7d" && full?.accept == "application/xml" && full?.ifNoneMatch == "\"abc\"")
        #expect(
            full?.length
                == "GET \(sla)?period=7d HTTP/1.1\r\nhost:x\r\nACCEPT:  application/xml \t\r\nIf-None-Match: \"abc\"\r\nConnection: Keep-Alive\r\n\r\n"
                .utf8.count)
        for refused in [
            "GET \(sla) HTTP/1.1\r\nHost: x\r\n",  // the head goes on past this read
            "GET \(sla) HTTP/1.1\r\nHost: x\r\n\r",
            "HEAD \(sla) HTTP/1.1\r\n\r\n", "POST \(sla) HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
            "GET \(sla) HTTP/1.0\r\n\r\n", "GET http://x\(sla) HTTP/1.1\r\n\r\n", "GET \(sla)  HTTP/1.1\r\n\r\n",
            "GET \(sla) HTTP/1.1\nHost: x\n\n", "GET \(sla) HTTP/1.1\r\nHost: x\n\r\n",
            "GET \(sla) HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", "GET \(sla) HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "GET \(sla) HTTP/1.1\r\nConnection: close\r\n\r\n", "GET \(sla) HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\n\r\n",
            "GET \(sla) HTTP/1.1\r\nUpgrade: h2c\r\n\r\n", "GET \(sla) HTTP/1.1\r\nExpect: 100-continue\r\n\r\n",
            "GET \(sla) HTTP/1.1\r\nAccept: a\r\nAccept: b\r\n\r\n", "GET \(sla) HTTP/1.1\r\nIf-None-Match: a\r\nif-none-match: b\r\n\r\n",
            "GET \(sla) HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", "GET \(sla) HTTP/1.1\r\nHost x\r\n\r\n",
            "GET \(sla) HTTP/1.1\r\nBad Name: x\r\n\r\n", "GET \(sla) HTTP/1.1\r\nHost: caf\u{e9}\r\n\r\n",
            "GET \(sla) HTTP/1.1\r\nHost: a\0b\r\n\r\n", "GET /caf\u{e9} HTTP/1.1\r\n\r\n",
            "GET \(sla) HTTP/1.1\r\n" + String(repeating: "X-A: 1\r\n", count: 65) + "\r\n",
            "GET \(sla) HTTP/1.1\r\nX-Long: " + String(repeating: "a", count: 9000) + "\r\n\r\n",
        ] {
            #expect(parse(refused) == nil, "\(refused.prefix(80))")
        }
    }

    /// Over a real socket: a head split across writes, a request with a body, and what follows
    /// them on the same connection are the router's, answered in order, byte for byte alike.
    @Test func aSplitHeadOrABodyHandsTheConnectionToTheRouter() async throws {
        let (config, store) = Self.served()
        let app = buildApplication(config, dependencies: .init(snapshots: store), logger: TestDatabase.logger)
        try await app.test(.live) { http in
            let sla = "/public/v1/services/crop-relief/sla"
            _ = try await http.execute(uri: sla, method: .get)  // rendered by the router
            let port = try #require(http.port)
            let script =
                Self.talk + """
                    sla = "/public/v1/services/crop-relief/sla"
                    whole = talk(get(sla) + get(sla, "Connection: close\\r\\n"))
                    split = talk(get(sla)[:20], get(sla)[20:] + get(sla, "Connection: close\\r\\n"))
                    body = talk(get(sla, "Content-Length: 2\\r\\n")[:-2] + b"\\r\\nhi" + get(sla) + get(sla, "Connection: close\\r\\n"))
                    one = whole.split(b"HTTP/1.1 200 OK")[1]
                    print(whole.count(b"HTTP/1.1 200 OK"), split.count(b"HTTP/1.1 200 OK"), body.count(b"HTTP/1.1 200 OK"),
                          whole == split, body.split(b"HTTP/1.1 200 OK")[1:] == [one, one, one])
                    """
            let python = try #require(Subprocess.which("python3"))
            let run = try Subprocess(["-c", script, "\(port)"], executable: python)
            #expect(try await run.waitForExit(seconds: 20) == 0, "\(run.text)")
            #expect(run.text.trimmingCharacters(in: .whitespacesAndNewlines) == "2 2 3 True True", "\(run.text)")
        }
    }

    /// Once a request has gone to the parser, every later byte of the connection does too, even
    /// a request the fast path could answer: the router may still be answering the earlier one.
    @Test func afterARequestForTheRouterTheRestOfTheConnectionGoesThere() throws {
        let (config, store) = Self.served()
        let routes = PublicRoutes(services: config.services, store: store)
        _ = routes.cached(PublicRoutes.key(service: "crop-relief", period: nil, xml: false)) {
            routes.render(routes.sla(config.services[0], period: "30d"), root: "sla", xml: false)
        }
        let channel = EmbeddedChannel(handler: PublicFastPath(routes: routes, metrics: RequestMetricHandles()))
        let sla = "GET /public/v1/services/crop-relief/sla HTTP/1.1\r\nHost: x\r\n\r\n"
        let health = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        func answered() throws -> String? { try channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) } }
        func forwarded() throws -> String? { try channel.readInbound(as: ByteBuffer.self).map { String(buffer: $0) } }

        try channel.writeInbound(ByteBuffer(string: sla + sla))
        #expect(try answered()?.hasPrefix("HTTP/1.1 200 OK\r\n") == true)
        #expect(try answered()?.hasPrefix("HTTP/1.1 200 OK\r\n") == true)
        #expect(try forwarded() == nil)
        // A request for the router, and what came with it, go on as they are.
        try channel.writeInbound(ByteBuffer(string: health + sla))
        #expect(try answered() == nil)
        #expect(try forwarded() == health + sla)
        // A later read the fast path could answer goes there too.
        try channel.writeInbound(ByteBuffer(string: sla))
        #expect(try answered() == nil)
        #expect(try forwarded() == sla)
        _ = try channel.finish()
    }

    /// A client that keeps sending without reading: once the connection is not writable the
    /// fast path asks the socket for nothing more, and asks again when it is writable.
    @Test func aClientThatDoesNotReadIsNotReadFromEither() throws {
        final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
            typealias OutboundIn = Any
            var reads = 0
            func read(context: ChannelHandlerContext) {
                reads += 1
                context.read()
            }
        }
        let (config, store) = Self.served()
        let routes = PublicRoutes(services: config.services, store: store)
        let counter = ReadCounter()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([counter, PublicFastPath(routes: routes, metrics: RequestMetricHandles())])
        channel.pipeline.read()
        #expect(counter.reads == 1)
        channel.isWritable = false
        channel.pipeline.read()
        #expect(counter.reads == 1, "held while the answers are not going out")
        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        #expect(counter.reads == 2, "asked again once writable")
        _ = try channel.finish()
    }
}
