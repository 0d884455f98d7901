import Foundation
import Logging

extension Logger {
    /// A copy with one more metadata value, for a component's own logger.
    func with(_ key: String, _ value: String) -> Logger {
        var copy = self
        copy[metadataKey: key] = .string(value)
        return copy
    }
}
