import Foundation
import Glibc
import Testing

@testable import SLAService
@testable import SLOEngine
@testable import Storage

@Suite("Embedded PostgreSQL")
struct EmbeddedPostgresTests {
    @Test func staleLockFileFromACrashIsRecovered() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-stale-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try await EmbeddedPostgres.start(dataDirectory: folder, options: .init(unsafeFast: true), logger: TestDatabase.logger)
        let cluster = first.clusterDirectory
        await first.stop()
        // What a power cut leaves: a postmaster.pid naming a process that no longer exists.
        let pidFile = cluster + "/postmaster.pid"
        try "999999\n\(cluster)\n1700000000\n5432\n\n127.0.0.1\n  5432001  1\nready   \n".write(toFile: pidFile, atomically: false, encoding: .utf8)
        if geteuid() == 0, let pw = getpwnam("postgres") { chown(pidFile, pw.pointee.pw_uid, pw.pointee.pw_gid) }
        let second = try await EmbeddedPostgres.start(dataDirectory: folder, options: .init(unsafeFast: true), logger: TestDatabase.logger)
        #expect(second.isOwner)
        try await DatabaseSession.ensureDatabase(second.url, logger: TestDatabase.logger)
        await second.stop()
        #expect(!FileManager.default.fileExists(atPath: pidFile))
    }

    /// `up`'s supervisor: a killed server is started again on the same port (the clients'
    /// address), and answers. The watch runs every 100 ms here.
    @Test(.timeLimit(.minutes(2)))
    func aKilledServerIsRestartedOnItsPort() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-supervised-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try await EmbeddedPostgres.start(dataDirectory: folder, options: .init(unsafeFast: true), logger: TestDatabase.logger)
        #expect(server.isRunning)
        let pid = try #require(EmbeddedPostgres.postmasterPID(cluster: server.clusterDirectory))
        let supervisor = EmbeddedSupervisor(server: server, interval: .milliseconds(100), logger: TestDatabase.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await supervisor.run() }
            defer { group.cancelAll() }
            kill(pid, SIGKILL)
            var restarted: pid_t?
            for _ in 0..<300 {
                try await Task.sleep(for: .milliseconds(100))
                if server.isRunning, let now = EmbeddedPostgres.postmasterPID(cluster: server.clusterDirectory), now != pid {
                    restarted = now
                    break
                }
            }
            #expect(restarted != nil, "the server was not started again")
            // It answers on the same port once its crash recovery is done (its pid shows first).
            var answered = false
            for _ in 0..<100 where !answered {
                answered = (try? await DatabaseSession.ensureDatabase(server.url, logger: TestDatabase.logger)) != nil
                if !answered { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(answered, "the restarted server does not answer on its port")
        }
        await server.stop()
    }

    @Test func unreachableDataDirectoryMovesTheClusterWhenRoot() async throws {
        try #require(geteuid() == 0, "only meaningful as root: a non-root user runs PostgreSQL as itself")
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-private-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        chmod(parent, 0o700)  // like /root: postgres cannot pass through
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let server = try await EmbeddedPostgres.start(dataDirectory: parent + "/data", options: .init(unsafeFast: true), logger: TestDatabase.logger)
        #expect(server.clusterDirectory.hasPrefix("/var/lib/hms-ops/"))
        await server.stop()
        try? FileManager.default.removeItem(atPath: server.clusterDirectory)
    }
}
