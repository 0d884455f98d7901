import Core

/// One problem found in a configuration file, located precisely enough to fix it.
public struct ConfigIssue: Error, Sendable, Equatable, CustomStringConvertible {
    /// Path of the file as the user gave it.
    public var file: String
    /// 1-based line, or 0 when the problem concerns the whole file.
    public var line: Int
    /// 1-based column, or 0 when the problem concerns the whole file.
    public var column: Int
    /// Dotted path of the field, e.g. `services[0].slos[1].objective`; empty for the document.
    public var field: String
    /// What is wrong and what is expected, in the user's words.
    public var message: String

    public init(file: String, line: Int, column: Int, field: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    /// `file:line:column: field: message`, the shape editors and CI logs can jump to.
    public var description: String {
        let place = line > 0 ? "\(file):\(line):\(column)" : file
        return field.isEmpty ? "\(place): \(message)" : "\(place): \(field): \(message)"
    }
}
