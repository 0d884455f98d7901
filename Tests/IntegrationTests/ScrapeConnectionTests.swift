import Foundation
import Metrics
import NIOCore
import NIOPosix
import Synchronization
import TestSupport
import Testing

@testable import Config
@testable import Core
@testable import HTTPAPI
@testable import Ingest
@testable import SLAService
@testable import SLOEngine

/// The scraper's own HTTP/1.1 client, against a server that answers with bytes written by hand
/// (so each test decides framing, encoding and when the connection closes).
@Suite("Scrape connection")
struct ScrapeConnectionTests {
    /// A TCP server: for every request (read up to its blank line) it sends what `answer` returns
    /// for it (given the request and how many came before it on its connection) and, if told,
    /// closes the connection. It counts connections and keeps requests.
    final class HandWrittenServer: Sendable {
        struct Answer: Sendable {
            var bytes: [UInt8]
            var close = false
            /// Nothing is sent: the request is left waiting.
            static let silence = Answer(bytes: [])
        }

        /// What the server saw.
        final class Record: Sendable {
            let connections = Atomic(0)
            let requests = Mutex<[String]>([])
        }

        let channel: any Channel
        let record = Record()
        var port: Int { channel.localAddress!.port! }
        var connections: Int { record.connections.load(ordering: .relaxed) }
        var requests: [String] { record.requests.withLock { $0 } }

        init(answer: @escaping @Sendable (_ request: String, _ earlier: Int) -> Answer) async throws {
            let record = record
            channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .childChannelInitializer { channel in
                    record.connections.add(1, ordering: .relaxed)
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(Handler(answer: answer, record: record))
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
        }

        func close() async throws { try await channel.close() }

        final class Handler: ChannelInboundHandler {
            typealias InboundIn = ByteBuffer
            let answer: @Sendable (String, Int) -> Answer
            let record: Record
            var received = ""
            var answered = 0

            init(answer: @escaping @Sendable (String, Int) -> Answer, record: Record) {
                self.answer = answer
                self.record = record
            }

            func channelRead(context: ChannelHandlerContext, data: NIOAny) {
                received += String(buffer: unwrapInboundIn(data))
                while let end = received.range(of: "\r\n\r\n") {
                    let request = String(received[..<end.lowerBound])
                    received = String(received[end.upperBound...])
                    record.requests.withLock { $0.append(request) }
                    let reply = answer(request, answered)
                    answered += 1
                    if !reply.bytes.isEmpty { context.writeAndFlush(NIOAny(ByteBuffer(bytes: reply.bytes)), promise: nil) }
                    if reply.close { context.close(promise: nil) }
                }
            }
        }
    }

    static func response(_ body: String, status: String = "200 OK", headers: [String] = []) -> [UInt8] {
        let head = (["HTTP/1.1 \(status)", "Content-Length: \(body.utf8.count)"] + headers).joined(separator: "\r\n")
        return Array("\(head)\r\n\r\n\(body)".utf8)
    }

    static let exposition = "# TYPE up gauge\nup 1\n"

    @Test func oneConnectionServesEveryScrape() async throws {
        let server = try await HandWrittenServer { _, _ in
            .init(bytes: Self.response(Self.exposition, headers: ["Content-Type: text/plain; version=0.0.4"]))
        }
        let connection = try #require(ScrapeConnection(url: "http://127.0.0.1:\(server.port)/metrics?x=1"))
        for _ in 0..<3 {
            let body = try await connection.fetch(timeout: .seconds(5))
            #expect(body.bytes == Array(Self.exposition.utf8))
            #expect(body.declaredFormat == .prometheusText)
        }
        #expect(server.connections == 1)
        let request = try #require(server.requests.first)
        #expect(request.hasPrefix("GET /metrics?x=1 HTTP/1.1\r\n"))
        #expect(request.contains("Host: 127.0.0.1:\(server.port)\r\n"))
        #expect(request.contains("Accept: application/openmetrics-text"))
        #expect(request.contains("Accept-Encoding: gzip"))
        connection.close()
        try await server.close()
    }

    /// A server that drops kept connections (an idle timeout) does not fail scrapes: a request
    /// the closing connection swallowed is asked again on a new one.
    @Test func aClosedConnectionIsReplaced() async throws {
        // Answers the first request of each connection; closes at the second, unanswered.
        let server = try await HandWrittenServer { _, earlier in
            earlier == 0 ? .init(bytes: Self.response(Self.exposition)) : .init(bytes: [], close: true)
        }
        let connection = try #require(ScrapeConnection(url: "http://127.0.0.1:\(server.port)/metrics"))
        for _ in 0..<3 {
            let body = try await connection.fetch(timeout: .seconds(5))
            #expect(body.bytes == Array(Self.exposition.utf8))
        }
        #expect(server.connections == 3)
        connection.close()
        try await server.close()
        // A connection that closes after answering is not reused.
        let closing = try await HandWrittenServer { _, _ in .init(bytes: Self.response(Self.exposition, headers: ["Connection: close"]), close: true)
        }
        let again = try #require(ScrapeConnection(url: "http://127.0.0.1:\(closing.port)/metrics"))
        for _ in 0..<2 { _ = try await again.fetch(timeout: .seconds(5)) }
        #expect(closing.connections == 2)
        again.close()
        try await closing.close()
    }

    @Test func chunkedGzippedOpenMetricsIsUnpacked() async throws {
        let plain = try Array(Data(contentsOf: ParserParityTests.fixtures.appendingPathComponent("python_client.openmetrics.txt")))
        let packed = try Gzip.compress(plain)
        // Two chunks, split inside the compressed stream.
        let half = packed.count / 2
        var bytes = Array(
            "HTTP/1.1 200 OK\r\nContent-Type: application/openmetrics-text; version=1.0.0; charset=utf-8\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
                .utf8)
        for chunk in [packed[..<half], packed[half...]] {
            bytes += Array("\(String(chunk.count, radix: 16))\r\n".utf8) + chunk + Array("\r\n".utf8)
        }
        bytes += Array("0\r\n\r\n".utf8)
        let answer = bytes
        let server = try await HandWrittenServer { _, _ in .init(bytes: answer) }
        let connection = try #require(ScrapeConnection(url: "http://127.0.0.1:\(server.port)/metrics"))
        let body = try await connection.fetch(timeout: .seconds(5))
        #expect(body.bytes == plain)
        #expect(body.declaredFormat == .openMetrics)
        connection.close()
        try await server.close()
    }

    /// HTTP/1.0 style: no length, the body ends when the server closes.
    @Test func aBodyEndedByClosingIsWhole() async throws {
        let server = try await HandWrittenServer { _, _ in .init(bytes: Array("HTTP/1.0 200 OK\r\n\r\n\(Self.exposition)".utf8), close: true) }
        let connection = try #require(ScrapeConnection(url: "http://127.0.0.1:\(server.port)/metrics"))
        let body = try await connection.fetch(timeout: .seconds(5))
        #expect(body.bytes == Array(Self.exposition.utf8))
        #expect(body.declaredFormat == nil)
        connection.close()
        try await server.close()
    }

    @Test func failuresSayWhat() async throws {
        let server = try await HandWrittenServer { request, _ in
            if request.hasPrefix("GET /missing ") { return .init(bytes: Self.response("not here", status: "404 Not Found")) }
            if request.hasPrefix("GET /big ") { return .init(bytes: Self.response(String(repeating: "x", count: 5_000))) }
            return .silence
        }
        let missing = try #require(ScrapeConnection(url: "http://127.0.0.1:\(server.port)/missing"))
        await #expect { try await missing.fetch(timeout: .seconds(5)) } throws: { "\($0)".hasSuffix("/missing: HTTP status 404") }
        let big = try #require(ScrapeConnection(url: "http://127.0.0.1:\(server.port)/big", limit: 1_000))
        await #expect { try await big.fetch(timeout: .seconds(5)) } throws: { "\($0)".hasSuffix("/big: response larger than 1000 bytes") }
        let silent = try #require(ScrapeConnection(url: "http://127.0.0.1:\(server.port)/silent"))
        await #expect { try await silent.fetch(timeout: .milliseconds(300)) } throws: { "\($0)".contains("/silent: no complete answer within") }
        let port = try #require(PortProbe.freePort())
        let refused = try #require(ScrapeConnection(url: "http://127.0.0.1:\(port)/metrics"))
        await #expect { try await refused.fetch(timeout: .seconds(5)) } throws: { "\($0)".contains("refused") }
        for connection in [missing, big, silent, refused] { connection.close() }
        try await server.close()
    }

    @Test func aRedirectIsFollowed() async throws {
        let server = try await HandWrittenServer { request, _ in
            request.hasPrefix("GET /old ")
                ? .init(bytes: Self.response("", status: "302 Found", headers: ["Location: /metrics"])) : .init(bytes: Self.response(Self.exposition))
        }
        let connection = try #require(ScrapeConnection(url: "http://127.0.0.1:\(server.port)/old"))
        let body = try await connection.fetch(timeout: .seconds(5))
        #expect(body.bytes == Array(Self.exposition.utf8))
        connection.close()
        try await server.close()
    }

    /// A plain-http target's scrapes run as callbacks on its connection: all on one connection,
    /// each one ingested (its counter's increase and the scrape's own `up`), none once the
    /// collector has stopped, and the scrape it stopped under is not taken for the target down.
    @Test(.timeLimit(.minutes(1))) func aTargetsScrapesRunOnItsConnectionUntilTheCollectorStops() async throws {
        let server = try await HandWrittenServer { _, earlier in
            // The fifth request is left unanswered: the collector stops while it waits.
            earlier == 4 ? .silence : .init(bytes: Self.response("# TYPE jobs_total counter\njobs_total \(earlier * 10)\n"))
        }
        let clock = TestClock(WallClock.system())
        let pipeline = IngestPipeline(writer: nil, grace: 0, logger: TestDatabase.logger, now: { clock.now })
        var checker = TargetChecker(config: HMSConfig(), metrics: NOOPMetricsHandler.instance, pipeline: pipeline, logger: TestDatabase.logger)
        checker.checks = [
            .init(
                service: "a", kind: "scrape", url: "http://127.0.0.1:\(server.port)/metrics", interval: .init(milliseconds: 20),
                timeout: .init(milliseconds: 30_000), expectStatus: [], bodyContains: nil)
        ]
        let run = Task { try await checker.run() }
        while server.requests.count < 5 { try await Task.sleep(for: .milliseconds(10)) }
        run.cancel()
        try await run.value
        // Nothing more is asked (five intervals' grace to show it).
        try await Task.sleep(for: .milliseconds(100))
        #expect(server.requests.count == 5)
        #expect(server.connections == 1)

        clock.set(WallClock.system() + 600_000)
        await pipeline.flush()
        let rows = await pipeline.pending
        let jobs = rows.filter { $0.series.metric == "jobs_total" }
        let up = rows.filter { $0.series.metric == "up" }
        #expect(jobs.reduce(0) { $0 + ($1.increase ?? 0) } == 30)  // 0 (the baseline), 10, 20, 30
        #expect(up.reduce(0) { $0 + $1.count } == 4)
        #expect(up.allSatisfy { $0.min == 1 })
        #expect(jobs.allSatisfy { $0.series.labels == [Label("instance", "127.0.0.1:\(server.port)"), Label("job", "a")] })
        try await server.close()
    }

    /// A cancelled fetch (the server stopping) ends at once, not at its deadline. (Without that, this test runs into its time limit.)
    @Test(.timeLimit(.minutes(1))) func aCancelledScrapeEndsAtOnce() async throws {
        let server = try await HandWrittenServer { _, _ in .silence }
        let connection = try #require(ScrapeConnection(url: "http://127.0.0.1:\(server.port)/metrics"))
        let scrape = Task { try await connection.fetch(timeout: .seconds(600)) }
        while server.requests.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        scrape.cancel()
        await #expect(throws: IngestError.self) { try await scrape.value }
        connection.close()
        try await server.close()
    }

    @Test func onlyPlainHTTPURLsGetOne() {
        #expect(ScrapeConnection(url: "https://example.org/metrics") == nil)
        #expect(ScrapeConnection(url: "http://user:secret@example.org/metrics") == nil)
        #expect(ScrapeConnection(url: "/tmp/metrics.prom") == nil)
        #expect(ScrapeConnection(url: "http://[::1]:9100/metrics") != nil)
    }
}
