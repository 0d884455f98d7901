import Foundation

/// The fixtures: verbatim copies of `../shared/fixtures` kept in `Tests/Fixtures`, so a clone
/// tests on its own (`HMS_FIXTURES` may point elsewhere).
public enum Fixtures {
    public static let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    public static let root: URL = {
        if let path = ProcessInfo.processInfo.environment["HMS_FIXTURES"] { return URL(fileURLWithPath: path) }
        return projectRoot.appendingPathComponent("Tests/Fixtures")
    }()

    public static func exposition(_ name: String) -> URL { root.appendingPathComponent("exposition").appendingPathComponent(name) }
}
