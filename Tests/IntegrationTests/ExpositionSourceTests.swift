import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Synchronization
import TestSupport
import Testing

@testable import Core
@testable import Exposition
@testable import HTTPAPI
@testable import Ingest
@testable import SLAService

/// Fetching an exposition as the scraper does: Accept negotiation, gzip, size and format.
@Suite("Exposition source")
struct ExpositionSourceTests {

    @Test func gzippedOpenMetricsIsNegotiatedAndUnpacked() async throws {
        let plain = try Array(Data(contentsOf: ParserParityTests.fixtures.appendingPathComponent("python_client.openmetrics.txt")))
        let packed = try Gzip.compress(plain)
        let accept = Mutex<String>("")
        let router = Router()
        router.get("metrics") { request, _ in
            accept.withLock { $0 = request.headers[.accept] ?? "" }
            return Response(
                status: .ok,
                headers: [.contentType: "application/openmetrics-text; version=1.0.0; charset=utf-8", .contentEncoding: "gzip"],
                body: .init(byteBuffer: ByteBuffer(bytes: packed)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let url = "http://127.0.0.1:\(client.port!)/metrics"
            let body = try await ExpositionSource.load(url)
            #expect(body.bytes == plain)
            #expect(body.declaredFormat == .openMetrics)
            #expect(accept.withLock { $0 }.hasPrefix("application/openmetrics-text"))
            #expect(ExpositionReport(source: url, body: body).isValid)
        }
    }

    @Test func aFailingTargetSaysWhy() async throws {
        let port = try #require(PortProbe.freePort())
        // The HTTP client retries a refused connection until the deadline, so keep it short.
        do {
            _ = try await ExpositionSource.load("http://127.0.0.1:\(port)/metrics", timeout: .milliseconds(500))
            Issue.record("a closed port answered")
        } catch {
            #expect(error.description.contains("connection refused") || error.description.contains("timed out"), "\(error)")
        }
    }

    /// A scrape of a target that never answers ends as soon as its task is cancelled (the server
    /// stopping), not at its deadline. (Without that, this test runs into its time limit.)
    @Test(.timeLimit(.minutes(1))) func aCancelledScrapeEndsAtOnce() async throws {
        // Accepts connections and reads requests, never answers.
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(silent.localAddress?.port)
        let scrape = Task { try await ExpositionSource.load("http://127.0.0.1:\(port)/metrics", timeout: .seconds(600)) }
        await Task.yield()
        scrape.cancel()
        await #expect(throws: IngestError.self) { try await scrape.value }
        try await silent.close()
    }
}
