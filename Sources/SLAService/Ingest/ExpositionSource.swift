import AsyncHTTPClient
import Core
import Exposition
import Foundation
import NIOCore
import NIOHTTP1

/// Gets exposition bytes from a file or an http(s) URL, bounded in size and time, with the
/// format the server declared (if any).
public enum ExpositionSource {
    /// Largest exposition accepted (Prometheus' default body limit is unlimited; we are not).
    public static let maximumBytes = 64 << 20
    /// What we ask servers for, OpenMetrics first.
    public static let acceptHeader = "application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"

    /// One client for every scrape, with gzip decompression bounded like the body itself.
    /// It lives as long as the process (a static is never deinitialized, so never needs shutdown).
    /// No tracing: the default asks the global tracer (a no-op here) for a span per request.
    package static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(decompression: .enabled(limit: .size(maximumBytes)))
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    public struct Body: Sendable {
        public var bytes: [UInt8]
        /// The format the Content-Type named; nil when it named none we know (sniff the bytes).
        public var declaredFormat: ExpositionFormat?
    }

    /// The headers of every request for an exposition (here and in `ScrapeConnection`).
    static let requestHeaders: HTTPHeaders = [
        "Accept": acceptHeader, "Accept-Encoding": "gzip", "User-Agent": "hms-ops",
    ]

    public static func load(_ location: String, timeout: Duration = .seconds(10)) async throws(IngestError) -> Body {
        guard location.hasPrefix("http://") || location.hasPrefix("https://") else { return try read(location) }
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(url: location, method: .GET, headers: requestHeaders)
        } catch {
            throw .network(location: location, failure: NetworkFailure.describe(error))
        }
        return try await fetch(request, timeout: timeout)
    }

    package static func read(_ location: String) throws(IngestError) -> Body {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: location, isDirectory: &isDirectory), isDirectory.boolValue {
            throw .notAFile(path: location)
        }
        guard let handle = FileHandle(forReadingAtPath: location) else {
            throw FileManager.default.fileExists(atPath: location) ? .unreadable(path: location) : .noSuchFile(path: location)
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maximumBytes + 1)) ?? Data()
        guard data.count <= maximumBytes else { throw .fileTooLarge(path: location, limit: "\(maximumBytes >> 20) MB") }
        return Body(bytes: Array(data), declaredFormat: nil)
    }

    /// The body is gathered on the connection's event loop (`ResponseAccumulator`) and handed
    /// over once, whole: streaming it into this task would cross threads for every read.
    package static func fetch(_ request: HTTPClient.Request, timeout: Duration) async throws(IngestError) -> Body {
        do {
            let task = client.execute(
                request: request, delegate: ResponseAccumulator(request: request, maxBodySize: maximumBytes),
                deadline: .now() + .nanoseconds(timeout.nanoseconds))
            // A cancelled scrape (the server stopping) ends its request now, not at its deadline.
            let response = try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
            guard (200..<300).contains(Int(response.status.code)) else {
                throw IngestError.httpStatus(location: request.url.absoluteString, status: "\(response.status.code)")
            }
            let bytes = response.body.map { Array($0.readableBytesView) } ?? []
            let declared = response.headers.first(name: "Content-Type").flatMap(ExpositionFormat.init(contentType:))
            return Body(bytes: bytes, declaredFormat: declared)
        } catch let failure as IngestError {
            throw failure
        } catch is ResponseAccumulator.ResponseTooBigError {
            throw .responseTooLarge(location: request.url.absoluteString, limit: "\(maximumBytes >> 20) MB")
        } catch {
            throw .network(location: request.url.absoluteString, failure: NetworkFailure.describe(error))
        }
    }
}
