import Config
import Foundation
import HummingbirdCore
import Logging
import NIOCore
import SLOEngine

/// Hummingbird's HTTP/1 child channel with `PublicFastPath` in front of NIO's HTTP/1 parser.
struct PublicHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    package let inner: HTTP1Channel
    package let routes: PublicRoutes
    package let metrics: RequestMetricHandles
    package let limits: HMSConfig.Limits

    /// The server builder `Application` takes: connections idle for `limits.idleTimeout` are
    /// closed, and so are those whose request head takes longer than `limits.headerTimeout`.
    static func builder(routes: PublicRoutes, metrics: RequestMetricHandles, limits: HMSConfig.Limits = .init()) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            PublicHTTP1Channel(
                inner: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: .milliseconds(limits.idleTimeout.milliseconds))),
                routes: routes, metrics: metrics, limits: limits)
        }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            try channel.pipeline.syncOperations.addHandler(PublicFastPath(routes: routes, metrics: metrics), position: .first)
            try channel.pipeline.syncOperations.addHandler(
                RequestHeadDeadline(timeout: .milliseconds(limits.headerTimeout.milliseconds)), position: .first)
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
