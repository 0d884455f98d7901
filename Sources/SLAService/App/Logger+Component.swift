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

extension Logger {
    /// A copy with one more metadata value, for a component's own logger.
    func with(_ key: String, _ value: String) -> Logger {
        var copy = self
        copy[metadataKey: key] = .string(value)
        return copy
    }
}
