import Foundation
import Testing

@testable import Config
@testable import Core
@testable import SLAService
@testable import Storage

/// A configured `database_url` that cannot be used is reported at once, in plain words, with
/// the password redacted.
@Suite("Configured database")
struct DatabaseSessionTests {
    func failure(_ url: String) async -> String {
        do {
            _ = try await DatabaseSession.open(HMSConfig(databaseURL: url), attempts: 1, logger: TestDatabase.logger)
            return ""
        } catch {
            return UserFacingError.describe(error)
        }
    }

    @Test func refusedConnectionIsNamed() async throws {
        let port = try #require(PortProbe.freePort())
        let message = await failure("postgres://u:hunter2hunter2@127.0.0.1:\(port)/db?sslmode=disable")
        #expect(message.contains("connection refused"))
        #expect(message.contains("u:***@127.0.0.1"))
        #expect(!message.contains("hunter2"))
        #expect(!message.contains("PSQLError"))
    }

    @Test func wrongPasswordIsNamed() async throws {
        let url = try await TestDatabase.fresh()
        let message = await failure("postgres://\(url.username):wrong-password@\(url.host):\(url.port)/\(url.database)?sslmode=disable")
        #expect(message.contains("password authentication failed"), "\(message)")
        #expect(!message.contains("wrong-password"))
    }

    @Test func aWorkingServerIsUsedAsIs() async throws {
        let url = try await TestDatabase.fresh()
        let text = "postgres://\(url.username):\(url.password ?? "")@\(url.host):\(url.port)/\(url.database)?sslmode=disable"
        let session = try await DatabaseSession.open(HMSConfig(databaseURL: text), attempts: 1, logger: TestDatabase.logger)
        #expect(session.embedded == nil)
        #expect(session.url.database == url.database)
    }
}
