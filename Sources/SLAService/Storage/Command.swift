import CProcessShims
import Foundation
import Glibc

/// Runs a program to completion without blocking the concurrency pool, capturing its output.
///
/// We spawn with `posix_spawn` rather than Foundation's `Process`: `pg_ctl start` leaves a server
/// running, and Foundation waits for every inheritor of its bookkeeping descriptors to exit before
/// it reaps the child. Here the child gets only stdin, stdout and stderr, and we reap it ourselves.
struct Command: Sendable {
    var executable: String
    var arguments: [String]

    package struct Result: Sendable {
        package var status: Int32
        var output: String
        package var succeeded: Bool { status == 0 }
    }

    /// Runs as `user` via runuser when given (we are root and the program refuses to be).
    static func asUser(_ user: String?, _ executable: String, _ arguments: [String]) -> Command {
        guard let user else { return Command(executable: executable, arguments: arguments) }
        return Command(executable: "/usr/sbin/runuser", arguments: ["-u", user, "--", executable] + arguments)
    }

    package func run() async throws -> Result {
        var fds: [Int32] = [0, 0]
        guard hms_pipe_cloexec(&fds) == 0 else { throw StorageError.cannotRun(executable: executable, errno: errno) }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)
        hms_spawn_closefrom(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // We ignore SIGINT/SIGTERM while handling them ourselves; children get the defaults back.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var spawnedPID: pid_t = 0
        let spawned = posix_spawn(&spawnedPID, executable, &actions, &attributes, argv, environ)
        let pid = spawnedPID
        close(writeEnd)
        guard spawned == 0 else {
            close(readEnd)
            throw StorageError.cannotRun(executable: executable, errno: spawned)
        }
        // Read and reap on a plain thread: both calls block, which the concurrency pool must not.
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var output: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = Glibc.read(readEnd, &chunk, chunk.count)
                    if n > 0 {
                        if output.count < 1 << 20 { output += chunk[0..<n] }
                    } else if n < 0 && errno == EINTR {
                        continue
                    } else {
                        break
                    }
                }
                close(readEnd)
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
                continuation.resume(returning: Result(status: code, output: String(decoding: output, as: UTF8.self)))
            }
        }
    }
}
