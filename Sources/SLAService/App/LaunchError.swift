import Config
import Core
import CoreMetrics
import DemoService
import Foundation
import HTTPAPI
import Hummingbird
import Ingest
import Logging
import PostgresNIO
import Prometheus
import SLOEngine
import ServiceLifecycle
import Storage

/// Why a server command could not start, in words that say what to do.
public struct LaunchError: UserFacing, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ message: String) { description = message }
}
