import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// Sends a steady trickle of claims to the demo so its metrics move: a few workers, each
/// scoring a claim and pausing, until graceful shutdown.
public struct LoadGenerator: Service {
    public var baseURL: String
    public var workers: Int
    public var pause: Duration
    public var logger: Logger

    public init(baseURL: String, workers: Int = 3, pause: Duration = .milliseconds(300), logger: Logger) {
        self.baseURL = baseURL
        self.workers = workers
        self.pause = pause
        self.logger = logger
    }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                group.addTask { await self.work(worker) }
            }
        }
    }

    private func work(_ worker: Int) async {
        await cancelWhenGracefulShutdown {
            var failures = 0
            while !Task.isCancelled {
                var request = HTTPClientRequest(url: baseURL + "/score")
                if worker % 2 == 0 {
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(string: #"{"claim_id":"\#(UUID().uuidString)","acres":\#(Int.random(in: 1...900))}"#))
                }
                do {
                    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                    _ = try await response.body.collect(upTo: 64 * 1024)
                    failures = 0
                } catch {
                    failures += 1
                    if failures == 5 { logger.warning("load generator cannot reach the demo service", metadata: ["url": "\(baseURL)"]) }
                }
                try? await Task.sleep(for: pause)
            }
        }
    }
}
