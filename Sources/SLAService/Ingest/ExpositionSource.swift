import AsyncHTTPClient
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
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(decompression: .enabled(limit: .size(maximumBytes)))
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    public struct Body: Sendable {
        public var bytes: [UInt8]
        /// The format the Content-Type named; nil when it named none we know (sniff the bytes).
        public var declaredFormat: ExpositionFormat?
    }

    /// Why the bytes could not be had.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Where bytes come from, read once: a file, or the request for a URL (a target fetched every
    /// few seconds does not parse its URL and build its headers each time).
    public enum Location: Sendable {
        case file(String)
        case http(HTTPClient.Request)

        public init(_ text: String) throws(Failure) {
            guard text.hasPrefix("http://") || text.hasPrefix("https://") else {
                self = .file(text)
                return
            }
            var headers = HTTPHeaders()
            headers.add(name: "Accept", value: acceptHeader)
            headers.add(name: "Accept-Encoding", value: "gzip")
            headers.add(name: "User-Agent", value: "hms-ops")
            do {
                self = .http(try HTTPClient.Request(url: text, method: .GET, headers: headers))
            } catch {
                throw Failure(description: "\(text): \(UserFacingError.describeNetwork(error))")
            }
        }
    }

    public static func load(_ location: String, timeout: Duration = .seconds(10)) async throws(Failure) -> Body {
        try await load(Location(location), timeout: timeout)
    }

    public static func load(_ location: Location, timeout: Duration = .seconds(10)) async throws(Failure) -> Body {
        switch location {
        case .http(let request): try await fetch(request, timeout: timeout)
        case .file(let path): try read(path)
        }
    }

    static func read(_ location: String) throws(Failure) -> Body {
        guard let handle = FileHandle(forReadingAtPath: location) else {
            throw Failure(description: FileManager.default.fileExists(atPath: location) ? "\(location): cannot be read" : "\(location): no such file")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maximumBytes + 1)) ?? Data()
        guard data.count <= maximumBytes else { throw Failure(description: "\(location): larger than \(maximumBytes >> 20) MB") }
        return Body(bytes: Array(data), declaredFormat: nil)
    }

    /// The body is gathered on the connection's event loop (`ResponseAccumulator`) and handed
    /// over once, whole: streaming it into this task would cross threads for every read.
    static func fetch(_ request: HTTPClient.Request, timeout: Duration) async throws(Failure) -> Body {
        do {
            let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
            let task = client.execute(
                request: request, delegate: ResponseAccumulator(request: request, maxBodySize: maximumBytes),
                deadline: .now() + .nanoseconds(nanoseconds))
            // A cancelled scrape (the server stopping) ends its request now, not at its deadline.
            let response = try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
            guard (200..<300).contains(Int(response.status.code)) else {
                throw Failure(description: "\(request.url.absoluteString): HTTP status \(response.status.code)")
            }
            let bytes = response.body.map { Array($0.readableBytesView) } ?? []
            let declared = response.headers.first(name: "Content-Type").flatMap(ExpositionFormat.init(contentType:))
            return Body(bytes: bytes, declaredFormat: declared)
        } catch let failure as Failure {
            throw failure
        } catch is ResponseAccumulator.ResponseTooBigError {
            throw Failure(description: "\(request.url.absoluteString): response larger than \(maximumBytes >> 20) MB")
        } catch {
            throw Failure(description: "\(request.url.absoluteString): \(UserFacingError.describeNetwork(error))")
        }
    }
}
