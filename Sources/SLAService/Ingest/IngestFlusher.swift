import Foundation
import ServiceLifecycle

/// Flushes the pipeline every few seconds; on shutdown, one last flush of what has closed.
public struct IngestFlusher: Service {
    package let pipeline: IngestPipeline
    package let interval: Duration

    public init(pipeline: IngestPipeline, interval: Duration = .seconds(5)) {
        self.pipeline = pipeline
        self.interval = interval
    }

    public func run() async throws {
        await pipeline.resumeBaselines()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await pipeline.flush()
            }
        }
        await pipeline.flush()
    }
}
