import Core

#if canImport(Glibc)
    import Glibc
#endif

/// Why an import stopped. Each case carries what happened; `description` says it, with what to
/// do where there is something to do.
public enum ImportError: UserFacing, Sendable, CustomStringConvertible {
    /// The file could not be opened or read; `errno` from the failed call.
    case cannotRead(path: String, errno: Int32)
    case notARegularFile(path: String)
    /// Lines the parser refused (the first twenty, by line), after `samplesBefore` samples.
    case invalidLines(path: String, lines: [(line: Int, message: String)], samplesBefore: Int)
    case emptyRange
    /// Prometheus answered `query` with another result type.
    case notAMatrix(url: String, query: String, resultType: String)
    case answerTooLarge(url: String, limitBytes: Int)
    /// The exchange failed; `failure` in `NetworkFailure`'s few words.
    case network(url: String, failure: String)
    /// The answer was not a Prometheus API answer.
    case notPrometheus(url: String, status: UInt, detail: String)
    /// Prometheus said no.
    case refused(url: String, errorType: String, message: String)

    public var description: String {
        let place = RedactedURL.text
        return switch self {
        case .cannotRead(let path, let code): "\(path): \(String(cString: strerror(code)))"
        case .notARegularFile(let path): "\(path): not a regular file"
        case .invalidLines(let path, let lines, let samplesBefore):
            (lines.map { "\(path):\($0.line): \($0.message)" } + [
                "import stopped: \(samplesBefore) samples before these lines were read and their complete minutes written; "
                    + "fix the file and import it again (minutes already stored stay as they are)"
            ]).joined(separator: "\n")
        case .emptyRange: "--to must be later than --from"
        case .notAMatrix(let url, let query, let resultType): "\(place(url)): expected a matrix for \(query), got \(resultType)"
        case .answerTooLarge(let url, let limit): "\(place(url)): the answer is larger than \(limit >> 20) MB; import with a shorter --chunk"
        case .network(let url, let failure): "\(place(url)): \(failure)"
        case .notPrometheus(let url, let status, let detail):
            "\(place(url)): HTTP \(status), not a Prometheus API answer (\(detail)); check that --url is Prometheus's address, such as http://127.0.0.1:9090"
        case .refused(let url, let errorType, let message): "\(place(url)): \(errorType): \(message)"
        }
    }
}
