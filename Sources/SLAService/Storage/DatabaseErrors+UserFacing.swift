import Core
import PostgresNIO
import _ConnectionPoolModule

// The sentences for errors postgres-nio throws, so `UserFacingError.describe` says them.

extension PSQLError: UserFacing {
    public var userFacingDescription: String { "the database failed: \(DatabaseErrorText.describe(self))" }
}

extension ConnectionPoolError: UserFacing {
    public var userFacingDescription: String { "the database could not be reached; check that it runs and that database_url is right" }
}
