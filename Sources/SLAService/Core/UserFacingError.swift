/// One sentence for any error that ends a command: ours say what to do (`UserFacing`); others
/// are said in plain words, never a type name, stack trace or secret.
public enum UserFacingError {
    /// What is said of an error nothing knows how to say.
    public static let unexpected = "an unexpected error stopped hms-ops; run again with --log-level debug for details"

    public static func describe(_ error: any Error) -> String {
        (error as? any UserFacing)?.userFacingDescription ?? unexpected
    }

    /// A failed HTTP request in a few words: refused, timed out, unresolvable, TLS.
    public static func describeNetwork(_ error: any Error) -> String {
        let text = String(describing: error)
        for (needle, words) in [
            ("Connection refused", "connection refused"), ("connectTimeout", "connection timed out"),
            ("deadlineExceeded", "timed out"), ("readTimeout", "timed out"), ("timeout", "timed out"),
            ("NXDOMAIN", "host not found"), ("not known", "host not found"), ("SSL", "TLS failed"), ("TLS", "TLS failed"),
            ("remoteConnectionClosed", "the server closed the connection"), ("decompression", "the compressed body was invalid or too large"),
        ] where text.contains(needle) {
            return words
        }
        return "the request failed"
    }
}
