import CProcessShims
import Config
import Core
import Foundation
import Glibc
import Logging
import Synchronization

/// A private PostgreSQL cluster run with the machine's own `initdb` and `pg_ctl`.
///
/// One process owns a cluster at a time: it holds an exclusive `flock` on `embedded.lock` in the
/// data directory, starts the server on a free loopback port, and stops it on `stop()`. Another
/// hms-ops process that finds the lock taken shares the running server and leaves it alone. An
/// orphaned server (its owner was killed) or a stale `postmaster.pid` is recovered on the next start.
public final class EmbeddedPostgres: Sendable {
    /// The user's data directory (absolute).
    public let dataDirectory: String
    /// Where the cluster's files live; under the data directory unless `postgres` cannot reach it.
    public let clusterDirectory: String
    /// Connection address of the running server.
    public let url: DatabaseURL
    /// True when this process started the server and must stop it.
    public let isOwner: Bool
    /// The settings it was started with (a restart keeps them, and its port).
    package let options: Options

    private let tools: Tools
    private let runAs: String?
    private let lockDescriptor: Mutex<Int32>
    private let logger: Logger

    /// The file in the data directory that names a cluster living elsewhere.
    public static let relocationNote = "CLUSTER-LOCATION.txt"

    /// The database our service uses inside the cluster.
    public static let databaseName = "hmsops"
    static let superuser = "hmsops"

    /// Settings for throwaway clusters, e.g. in tests.
    public struct Options: Sendable {
        /// Skip fsync everywhere: much faster, loses data on a machine crash. Tests only.
        public var unsafeFast = false
        /// Listen on this port instead of any free one (tests that restart the server use it).
        public var port: Int?
        /// False for commands that only read: with no cluster in the data directory they say
        /// where they looked instead of making a new, empty one.
        public var mayCreate = true
        public init(unsafeFast: Bool = false, port: Int? = nil, mayCreate: Bool = true) {
            self.unsafeFast = unsafeFast
            self.port = port
            self.mayCreate = mayCreate
        }
    }

    private init(
        dataDirectory: String, clusterDirectory: String, url: DatabaseURL, isOwner: Bool, tools: Tools,
        runAs: String?, lockDescriptor: Int32, logger: Logger, options: Options = .init()
    ) {
        self.options = options
        self.dataDirectory = dataDirectory
        self.clusterDirectory = clusterDirectory
        self.url = url
        self.isOwner = isOwner
        self.tools = tools
        self.runAs = runAs
        self.lockDescriptor = Mutex(lockDescriptor)
        self.logger = logger
    }

    // MARK: Start

    /// Starts (or joins) the cluster for `dataDirectory` and returns once it accepts connections.
    public static func start(dataDirectory: String, options: Options = .init(), logger: Logger) async throws -> EmbeddedPostgres {
        let dataDirectory = absolute(dataDirectory)
        guard options.mayCreate || FileManager.default.fileExists(atPath: dataDirectory + "/pg-initialized") else {
            throw StorageError.noDatabase(dataDirectory: dataDirectory)
        }
        let tools = try Tools.find()
        let runAs: String? = geteuid() == 0 ? "postgres" : nil
        if let runAs, getpwnam(runAs) == nil {
            throw StorageError.noPostgresUser(runAs)
        }
        try makeDirectory(dataDirectory, mode: 0o755)
        let lockPath = dataDirectory + "/embedded.lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageError.cannotCreate(path: lockPath, errno: errno) }
        let passwordPath = dataDirectory + "/pg-password"
        let cluster = try await clusterLocation(dataDirectory: dataDirectory, runAs: runAs, logger: logger)

        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            // Another hms-ops owns the cluster: share it once it says it is ready.
            close(fd)
            let url = try await waitForSharedServer(dataDirectory: dataDirectory, passwordPath: passwordPath, logger: logger)
            logger.info("sharing the embedded PostgreSQL started by another hms-ops", metadata: ["cluster": "\(cluster)", "port": "\(url.port)"])
            return EmbeddedPostgres(
                dataDirectory: dataDirectory, clusterDirectory: cluster, url: url, isOwner: false, tools: tools,
                runAs: runAs, lockDescriptor: -1, logger: logger)
        }
        do {
            // The server pg_ctl starts is orphaned when pg_ctl exits; as its subreaper we can
            // collect it when it stops instead of leaving a zombie for init.
            _ = hms_become_subreaper()
            unlink(dataDirectory + "/embedded.port")
            let password = try await initializeIfNeeded(
                cluster: cluster, dataDirectory: dataDirectory, passwordPath: passwordPath, tools: tools,
                runAs: runAs, options: options, logger: logger)
            try await recoverStaleServer(cluster: cluster, tools: tools, runAs: runAs, logger: logger)
            let port = try await startServer(cluster: cluster, tools: tools, runAs: runAs, options: options, logger: logger)
            let url = DatabaseURL(
                host: "127.0.0.1", port: port, username: superuser, password: password, database: databaseName)
            let server = EmbeddedPostgres(
                dataDirectory: dataDirectory, clusterDirectory: cluster, url: url, isOwner: true, tools: tools,
                runAs: runAs, lockDescriptor: fd, logger: logger, options: options)
            try write("\(port)\n", to: dataDirectory + "/embedded.port", mode: 0o644)
            logger.info("embedded PostgreSQL started", metadata: ["cluster": "\(cluster)", "port": "\(port)"])
            return server
        } catch {
            close(fd)
            throw error
        }
    }

    /// The cluster folder: `<data>/pg`, or a folder under /var/lib/hms-ops when `postgres` cannot reach the data dir.
    static func clusterLocation(dataDirectory: String, runAs: String?, logger: Logger) async throws -> String {
        let preferred = dataDirectory + "/pg"
        guard let runAs else { return preferred }
        let reachable = try await Command.asUser(runAs, "/usr/bin/test", ["-x", dataDirectory]).run().succeeded
        if reachable { return preferred }
        try makeDirectory(fallbackRoot, mode: 0o755)
        let location = relocatedCluster(of: dataDirectory)
        logger.notice(
            "the postgres user cannot reach the data directory; the embedded cluster lives elsewhere (hms-ops purge --data-dir removes both)",
            metadata: ["data_dir": "\(dataDirectory)", "cluster": "\(location)"])
        // Said in the data directory too, for whoever cleans up by hand.
        try? write(
            "The embedded PostgreSQL cluster of this data directory lives in \(location)\n(the postgres user cannot reach this folder). `hms-ops purge --data-dir \(dataDirectory)` removes both.\n",
            to: dataDirectory + "/" + relocationNote, mode: 0o644)
        return location
    }

    /// Where clusters live whose data directory the `postgres` user cannot reach.
    static let fallbackRoot = "/var/lib/hms-ops"

    /// Where the cluster of `dataDirectory` (absolute) lives when it is not under it.
    static func relocatedCluster(of dataDirectory: String) -> String {
        let name = (dataDirectory as NSString).lastPathComponent.filter { $0.isLetter || $0.isNumber || $0 == "-" }
        return "\(fallbackRoot)/\(name.isEmpty ? "data" : name)-\(stableHash(dataDirectory))"
    }

    /// Removes a data directory and its cluster, wherever that lives; refuses while a server
    /// uses it, or when the folder is not an hms-ops data directory. Returns what was removed.
    public static func purge(dataDirectory: String) throws -> [String] {
        let dataDirectory = absolute(dataDirectory)
        let fm = FileManager.default
        // Names only hms-ops writes ("spool" or "pg" could be anyone's: /var/spool).
        let known = ["pg-initialized", "pg-password", "embedded.lock", relocationNote]
        guard fm.fileExists(atPath: dataDirectory) else { throw StorageError.nothingToPurge(dataDirectory: dataDirectory) }
        guard known.contains(where: { fm.fileExists(atPath: dataDirectory + "/" + $0) }) else {
            throw StorageError.notADataDirectory(dataDirectory: dataDirectory, markers: known)
        }
        let lockPath = dataDirectory + "/embedded.lock"
        let fd = open(lockPath, O_RDWR | O_CLOEXEC)
        if fd >= 0 {
            defer { close(fd) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                throw StorageError.dataDirectoryInUse(dataDirectory: dataDirectory)
            }
        }
        var removed: [String] = []
        let relocated = relocatedCluster(of: dataDirectory)
        if fm.fileExists(atPath: relocated) {
            try removeTree(relocated)
            removed.append(relocated)
        }
        try removeTree(dataDirectory)
        removed.append(dataDirectory)
        return removed
    }

    static func removeTree(_ path: String) throws {
        do { try FileManager.default.removeItem(atPath: path) } catch {
            throw StorageError.cannotRemove(path: path, reason: error.localizedDescription)
        }
    }

    /// Runs initdb when the cluster has never been completed; returns the superuser password.
    static func initializeIfNeeded(
        cluster: String, dataDirectory: String, passwordPath: String, tools: Tools, runAs: String?,
        options: Options, logger: Logger
    ) async throws -> String {
        let marker = dataDirectory + "/pg-initialized"
        let fm = FileManager.default
        if fm.fileExists(atPath: marker), fm.fileExists(atPath: cluster + "/PG_VERSION") {
            guard let text = try? String(contentsOfFile: passwordPath, encoding: .utf8) else {
                throw StorageError.passwordFileMissing(cluster: cluster, passwordFile: passwordPath, marker: marker)
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if fm.fileExists(atPath: cluster) {
            // An initdb that never finished (crash, Ctrl-C): nothing in it is worth keeping.
            logger.notice("removing an unfinished embedded cluster", metadata: ["cluster": "\(cluster)"])
            try fm.removeItem(atPath: cluster)
        }
        try makeDirectory(cluster, mode: 0o700, owner: runAs)
        let password = randomToken(bytes: 24)
        try write(password + "\n", to: passwordPath, mode: 0o600)
        // initdb reads the password from a file the server user can read; it lives only for this call.
        let pwfile = (cluster as NSString).deletingLastPathComponent + "/.hms-ops-initdb-\(getpid())"
        try write(password + "\n", to: pwfile, mode: 0o600, owner: runAs)
        defer { unlink(pwfile) }
        var arguments = [
            "-D", cluster, "-U", superuser, "--pwfile=\(pwfile)", "--auth=scram-sha-256", "-E", "UTF8", "--no-locale",
        ]
        if options.unsafeFast { arguments.append("--no-sync") }
        logger.info("creating the embedded PostgreSQL cluster", metadata: ["cluster": "\(cluster)"])
        let result = try await Command.asUser(runAs, tools.initdb, arguments).run()
        guard result.succeeded else {
            throw StorageError.initdbFailed(cluster: cluster, output: lastLines(result.output))
        }
        try write(cluster + "\n", to: marker, mode: 0o644)
        return password
    }

    /// A server left running by a killed owner is stopped; a `postmaster.pid` naming a dead
    /// or foreign process is removed, so the start that follows is not a dead end.
    static func recoverStaleServer(cluster: String, tools: Tools, runAs: String?, logger: Logger) async throws {
        let pidPath = cluster + "/postmaster.pid"
        guard let text = try? String(contentsOfFile: pidPath, encoding: .utf8) else { return }
        let pid = Int32(text.split(separator: "\n").first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0
        if pid > 0, isPostmaster(pid: pid, cluster: cluster) {
            logger.notice("stopping an embedded PostgreSQL left running by an earlier hms-ops", metadata: ["pid": "\(pid)"])
            let result = try await Command.asUser(runAs, tools.pgctl, ["-D", cluster, "-m", "fast", "-w", "-t", "60", "stop"]).run()
            if !result.succeeded, isPostmaster(pid: pid, cluster: cluster) {
                throw StorageError.staleServerWontStop(pid: pid, cluster: cluster, output: lastLines(result.output))
            }
        } else {
            logger.notice("removing a stale postmaster.pid left by a crash", metadata: ["cluster": "\(cluster)", "pid": "\(pid)"])
            unlink(pidPath)
        }
    }

    /// True when `pid` is a live postgres server whose data directory is `cluster`.
    static func isPostmaster(pid: Int32, cluster: String) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let arguments = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard let program = arguments.first, program.hasSuffix("postgres") || program.hasSuffix("postmaster") else { return false }
        let resolved = (cluster as NSString).resolvingSymlinksInPath
        if let i = arguments.firstIndex(of: "-D"), i + 1 < arguments.count {
            return (arguments[i + 1] as NSString).resolvingSymlinksInPath == resolved
        }
        let cwd = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")) ?? ""
        return cwd == resolved
    }

    /// Starts the server on a free loopback port (retrying if another program takes it first).
    static func startServer(cluster: String, tools: Tools, runAs: String?, options: Options, logger: Logger) async throws -> Int {
        var lastOutput = ""
        for _ in 0..<3 {
            guard let port = options.port ?? PortProbe.freePort() else { throw StorageError.noFreePort }
            // One node, no replicas: minimal WAL; checkpoints every 15 min write fewer full pages.
            var settings = "-p \(port) -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=60"
            settings += " -c wal_level=minimal -c max_wal_senders=0 -c checkpoint_timeout=15min -c max_wal_size=2GB"
            if options.unsafeFast { settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off" }
            let result = try await Command.asUser(
                runAs, tools.pgctl, ["-D", cluster, "-l", cluster + "/server.log", "-w", "-t", "120", "-o", settings, "start"]
            ).run()
            if result.succeeded { return port }
            lastOutput = result.output + "\n" + lastLines((try? String(contentsOfFile: cluster + "/server.log", encoding: .utf8)) ?? "")
            if !lastOutput.contains("could not bind") && !lastOutput.contains("Address already in use") { break }
            logger.info("port taken before PostgreSQL could bind it; trying another", metadata: ["port": "\(port)"])
        }
        throw StorageError.serverDidNotStart(cluster: cluster, output: lastLines(lastOutput))
    }

    /// Waits for the owning process to publish its port, then returns its address.
    static func waitForSharedServer(dataDirectory: String, passwordPath: String, logger: Logger) async throws -> DatabaseURL {
        for _ in 0..<240 {
            if let text = try? String(contentsOfFile: dataDirectory + "/embedded.port", encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), (1...65535).contains(port),
                let password = try? String(contentsOfFile: passwordPath, encoding: .utf8)
            {
                return DatabaseURL(
                    host: "127.0.0.1", port: port, username: superuser,
                    password: password.trimmingCharacters(in: .whitespacesAndNewlines), database: databaseName)
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw StorageError.sharedServerNotReady(dataDirectory: dataDirectory)
    }

    // MARK: Stop

    /// Stops the server if this process started it; safe to call more than once.
    public func stop() async {
        let fd = lockDescriptor.withLock { fd in
            defer { fd = -1 }
            return fd
        }
        guard isOwner, fd >= 0 else { return }
        defer {
            unlink(dataDirectory + "/embedded.lock")
            close(fd)
        }
        unlink(dataDirectory + "/embedded.port")
        let postmaster = Self.postmasterPID(cluster: clusterDirectory)
        defer { if let postmaster { Self.reap(postmaster) } }
        do {
            let result = try await Command.asUser(runAs, tools.pgctl, ["-D", clusterDirectory, "-m", "fast", "-w", "-t", "60", "stop"]).run()
            if result.succeeded {
                if clusterDirectory.hasPrefix(dataDirectory + "/") {
                    logger.info("embedded PostgreSQL stopped", metadata: ["cluster": "\(clusterDirectory)"])
                } else {
                    logger.notice(
                        "embedded PostgreSQL stopped; its cluster lives outside the data directory (hms-ops purge --data-dir removes both)",
                        metadata: ["cluster": "\(clusterDirectory)", "data_dir": "\(dataDirectory)"])
                }
            } else {
                logger.error("pg_ctl stop failed", metadata: ["cluster": "\(clusterDirectory)", "output": "\(Self.lastLines(result.output))"])
            }
        } catch {
            logger.error("pg_ctl stop could not run", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Supervision

    /// Whether the server this process started is running (a server that died is collected,
    /// with its processes: as their subreaper we inherit them, and they stay zombies until then).
    public var isRunning: Bool {
        guard let pid = Self.postmasterPID(cluster: clusterDirectory) else { return false }
        var status: Int32 = 0
        _ = waitpid(pid, &status, WNOHANG)
        Self.reapOrphanedServerProcesses()  // a dead server's backends die a moment after it
        return Self.isPostmaster(pid: pid, cluster: clusterDirectory)
    }

    /// Collects dead PostgreSQL processes handed to us (we are their subreaper): only those named
    /// postgres whose parent we are, never a child some other code waits for.
    static func reapOrphanedServerProcesses() {
        let me = getpid()
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return }
        for entry in entries {
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
            else { continue }
            let name = stat[stat.index(after: open)..<close]
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard name.hasPrefix("postgres"), fields.count > 1, fields[0] == "Z", pid_t(fields[1]) == me else { continue }
            var status: Int32 = 0
            _ = waitpid(pid, &status, WNOHANG)
        }
    }

    /// Starts the server again after it died, on the same port (clients keep their address).
    public func restart() async throws {
        guard isOwner else { return }
        try await Self.recoverStaleServer(cluster: clusterDirectory, tools: tools, runAs: runAs, logger: logger)
        var again = options
        again.port = url.port
        _ = try await Self.startServer(cluster: clusterDirectory, tools: tools, runAs: runAs, options: again, logger: logger)
    }

    // MARK: Helpers

    /// The server's pid from its `postmaster.pid`, if it is running.
    static func postmasterPID(cluster: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: cluster + "/postmaster.pid", encoding: .utf8),
            let first = text.split(separator: "\n").first, let pid = pid_t(first.trimmingCharacters(in: .whitespaces)), pid > 0
        else { return nil }
        return pid
    }

    /// Collects a stopped server that was our (adopted) child; returns at once if it never was.
    static func reap(_ pid: pid_t) {
        for _ in 0..<100 {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || (result < 0 && errno == ECHILD) { return }
            usleep(50_000)
        }
    }

    /// Where initdb and pg_ctl are: `HMS_PG_BIN`, then Debian's versioned folders, then PATH.
    struct Tools: Sendable {
        package var initdb: String
        var pgctl: String

        package static func find() throws -> Tools {
            var folders: [String] = []
            if let custom = ProcessInfo.processInfo.environment["HMS_PG_BIN"] { folders.append(custom) }
            folders += ["17", "16", "15"].map { "/usr/lib/postgresql/\($0)/bin" }
            folders += (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
            for folder in folders {
                let initdb = folder + "/initdb", pgctl = folder + "/pg_ctl"
                if access(initdb, X_OK) == 0, access(pgctl, X_OK) == 0 { return Tools(initdb: initdb, pgctl: pgctl) }
            }
            throw StorageError.toolsNotFound
        }
    }

    package static func absolute(_ path: String) -> String {
        let url =
            path.hasPrefix("/")
            ? URL(fileURLWithPath: path) : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(path)
        return url.standardizedFileURL.path
    }

    static func makeDirectory(_ path: String, mode: Int, owner: String? = nil) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: nil)
        } catch {
            throw StorageError.cannotCreateFolder(path: path)
        }
        chmod(path, mode_t(mode))
        if let owner { try chown(path, to: owner) }
    }

    package static func write(_ text: String, to path: String, mode: Int, owner: String? = nil) throws {
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else { throw StorageError.cannotWrite(path: path, errno: errno) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard Glibc.write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else {
            throw StorageError.cannotWrite(path: path, errno: errno)
        }
        if let owner { try chown(path, to: owner) }
    }

    static func chown(_ path: String, to user: String) throws {
        guard let entry = getpwnam(user), Glibc.chown(path, entry.pointee.pw_uid, entry.pointee.pw_gid) == 0 else {
            throw StorageError.cannotChangeOwner(path: path, user: user)
        }
    }

    static func randomToken(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// FNV-1a, so a data directory maps to the same fallback cluster folder every time.
    static func stableHash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    static func lastLines(_ text: String, count: Int = 12) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: true).suffix(count).joined(separator: "\n")
    }
}
