import Foundation

/// The period an objective is judged over.
public enum SLOWindow: Sendable, Equatable {
    case rolling(ConfigDuration)
    case calendar(CalendarUnit)

    public enum CalendarUnit: String, Sendable, CaseIterable {
        case week, month, quarter
    }
}
