import Foundation
import SLOEngine
import Synchronization

/// A child process whose output we can wait on line by line: the CLI as a user runs it.
final class Subprocess: Sendable {
    let process: Process
    private let output = Mutex<String>("")
    private let exited = Mutex<Int32?>(nil)
    private let drained = Mutex(false)

    /// The built `hms-ops` binary, beside this test bundle (or `HMS_OPS_BIN`).
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["HMS_OPS_BIN"] { return path }
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: me).deletingLastPathComponent()
        // The test runner may live inside a .xctest bundle folder.
        while !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("hms-ops").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("hms-ops").path
    }()

    init(_ arguments: [String], directory: String? = nil, executable: String = Subprocess.binary, environment: [String: String] = [:]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { [self] p in self.exited.withLock { $0 = p.terminationStatus } }
        try process.run()
        Thread.detachNewThread { [self] in
            let handle = pipe.fileHandleForReading
            while case let data = handle.availableData, !data.isEmpty {
                self.output.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
            self.drained.withLock { $0 = true }
        }
    }

    var text: String { output.withLock { $0 } }
    var status: Int32? { exited.withLock { $0 } }

    /// Waits until the output contains `needle` or the process exits; true if found.
    func waitFor(_ needle: String, seconds: Double = 120) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if text.contains(needle) { return true }
            if status != nil { return text.contains(needle) }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Waits for exit (and the end of its output) and returns the status; nil on timeout.
    func waitForExit(seconds: Double = 60) async throws -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let status, drained.withLock({ $0 }) { return status }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// The full path of a program on PATH, or nil.
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs to completion: (status, output).
    static func run(_ arguments: [String], directory: String? = nil) async throws -> (Int32, String) {
        let child = try Subprocess(arguments, directory: directory)
        let status = try await child.waitForExit(seconds: 120) ?? -1
        return (status, child.text)
    }
}
