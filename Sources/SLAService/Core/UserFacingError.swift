/// One sentence for any error that ends a command: ours say what to do (`UserFacing`); others
/// are said in plain words, never a type name, stack trace or secret.
public enum UserFacingError {
    /// What is said of an error nothing knows how to say.
    public static let unexpected = "an unexpected error stopped hms-ops; run again with --log-level debug for details"

    public static func describe(_ error: any Error) -> String {
        (error as? any UserFacing)?.userFacingDescription ?? unexpected
    }
}
