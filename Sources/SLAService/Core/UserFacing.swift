/// An error a user may read: one sentence that says what went wrong and what to do, never a
/// type name, a stack trace or a secret. Every error that can end a command conforms; errors of
/// other libraries are given their sentence where they are met (PostgreSQL's in Storage).
public protocol UserFacing: Error {
    var userFacingDescription: String { get }
}

extension UserFacing where Self: CustomStringConvertible {
    public var userFacingDescription: String { description }
}
