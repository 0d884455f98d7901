import Foundation

/// The short and long windows burn rates are reported over.
public enum BurnWindow: Int64, Sendable, CaseIterable, Codable, CustomStringConvertible {
    case m5 = 5, m30 = 30, h1 = 60, h2 = 120, h6 = 360, d1 = 1440, d3 = 4320

    public var minutes: Int64 { rawValue }
    public var description: String {
        switch self {
        case .m5: "5m"
        case .m30: "30m"
        case .h1: "1h"
        case .h2: "2h"
        case .h6: "6h"
        case .d1: "1d"
        case .d3: "3d"
        }
    }
}
