import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@testable import Core
@testable import SLAService

/// `hms-ops up` as a user runs it: a subprocess that starts everything, answers, and stops
/// clean on SIGTERM or SIGINT, leaving no server or lock behind.
@Suite("hms-ops up, as a subprocess")
struct UpCommandTests {
    struct Stack {
        var folder: String
        var port: Int
        var demoPort: Int
        var arguments: [String] {
            ["up", "--port", "\(port)", "--demo-port", "\(demoPort)", "--data-dir", folder + "/data", "--log-level", "notice"]
        }
    }

    static func newStack() throws -> Stack {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-up-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        chmod(folder, 0o755)
        return Stack(folder: folder, port: try #require(PortProbe.freePort()), demoPort: try #require(PortProbe.freePort()))
    }

    /// Live postgres processes whose data directory is under `folder`.
    static func postgresProcesses(under folder: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let text = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return text.contains("postgres") && text.contains(folder)
        }
    }

    static func get(_ url: String) async throws -> (Int, String) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    @Test func startsAnswersAndStopsCleanOnSIGTERMThenStartsAgain() async throws {
        let stack = try Self.newStack()
        defer { try? FileManager.default.removeItem(atPath: stack.folder) }
        for round in 0..<2 {
            let up = try Subprocess(stack.arguments)
            let line = "Dashboard running at http://localhost:\(stack.port)"
            #expect(try await up.waitFor(line), "round \(round): \(up.text)")
            let (status, body) = try await Self.get("http://127.0.0.1:\(stack.port)/healthz")
            #expect(status == 200)
            #expect(body.contains(#""reachable":true"#))
            let (indexStatus, _) = try await Self.get("http://127.0.0.1:\(stack.port)/")
            #expect(indexStatus == 200)
            up.signal(round == 0 ? SIGTERM : SIGINT)
            #expect(try await up.waitForExit() == 0, "round \(round): \(up.text)")
            #expect(Self.postgresProcesses(under: stack.folder).isEmpty)
            #expect(!FileManager.default.fileExists(atPath: stack.folder + "/data/pg/postmaster.pid"))
            #expect(!FileManager.default.fileExists(atPath: stack.folder + "/data/embedded.lock"))
            #expect(PortProbe.isFree(port: stack.port))
        }
    }

    @Test func recoversAfterBeingKilled() async throws {
        let stack = try Self.newStack()
        defer { try? FileManager.default.removeItem(atPath: stack.folder) }
        let first = try Subprocess(stack.arguments)
        #expect(try await first.waitFor("Dashboard running at"), "\(first.text)")
        first.signal(SIGKILL)
        _ = try await first.waitForExit()
        // The killed owner left its PostgreSQL running; the next start takes it over.
        #expect(!Self.postgresProcesses(under: stack.folder).isEmpty)
        let second = try Subprocess(stack.arguments)
        #expect(try await second.waitFor("Dashboard running at"), "\(second.text)")
        let (status, body) = try await Self.get("http://127.0.0.1:\(stack.port)/healthz")
        #expect(status == 200 && body.contains(#""reachable":true"#))
        second.signal(SIGTERM)
        #expect(try await second.waitForExit() == 0)
        #expect(Self.postgresProcesses(under: stack.folder).isEmpty)
    }

    @Test func aTakenPortIsNamedWithTheFlagToChangeIt() async throws {
        let stack = try Self.newStack()
        defer { try? FileManager.default.removeItem(atPath: stack.folder) }
        let blocker = try Subprocess(["demo-service", "--port", "\(stack.port)"])
        defer { blocker.signal(SIGTERM) }
        #expect(try await blocker.waitFor("Demo service running at"))
        let (status, output) = try await Subprocess.run(stack.arguments)
        #expect(status == 1)
        #expect(output.contains("port \(stack.port) on 127.0.0.1 is already in use"))
        #expect(output.contains("--port"))
        #expect(Self.postgresProcesses(under: stack.folder).isEmpty)
    }
}
