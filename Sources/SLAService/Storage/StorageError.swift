import Config
import Core

#if canImport(Glibc)
    import Glibc
#endif

/// Why storage could not do what was asked: the embedded cluster, the configured database, the
/// spool, a query. Each case carries what happened; `description` says it in one sentence with
/// what to do. PostgreSQL's own errors are said in `DatabaseErrors+UserFacing`.
public enum StorageError: UserFacing, Sendable, Equatable, CustomStringConvertible {
    // The embedded cluster.
    /// A command that only reads found no database in the data directory.
    case noDatabase(dataDirectory: String)
    /// Running as root without the `postgres` user to run PostgreSQL as.
    case noPostgresUser(String)
    /// initdb and pg_ctl are not installed.
    case toolsNotFound
    /// The cluster exists but its password file is gone.
    case passwordFileMissing(cluster: String, passwordFile: String, marker: String)
    /// initdb failed; the last lines of its output.
    case initdbFailed(cluster: String, output: String)
    /// A server left running by a crash would not stop.
    case staleServerWontStop(pid: Int32, cluster: String, output: String)
    /// The server did not accept connections; the last lines of its log.
    case serverDidNotStart(cluster: String, output: String)
    /// Another hms-ops holds the lock, but its database never said it was ready.
    case sharedServerNotReady(dataDirectory: String)
    case noFreePort
    /// `purge` of a folder that does not exist (`nothingToPurge`), is not ours, or is in use.
    case nothingToPurge(dataDirectory: String)
    case notADataDirectory(dataDirectory: String, markers: [String])
    case dataDirectoryInUse(dataDirectory: String)

    // Files and processes.
    case cannotCreateFolder(path: String)
    /// `errno` from the failed call.
    case cannotCreate(path: String, errno: Int32)
    case cannotWrite(path: String, errno: Int32)
    case cannotRemove(path: String, reason: String)
    case cannotChangeOwner(path: String, user: String)
    case cannotRun(executable: String, errno: Int32)

    // The configured database.
    case notAPostgresURL
    /// It could not be reached or used; `reason` in PostgreSQL's or the network's words.
    case databaseUnavailable(url: DatabaseURL, reason: String)

    // The spool.
    case spoolRecordTooLarge(bytes: Int, limit: Int)
    case spoolCannotOpen(path: String, errno: Int32)
    case spoolCannotWrite(path: String, errno: Int32)
    case spoolCannotEmpty(path: String, errno: Int32)

    // Queries.
    /// A selector's regular expression PostgreSQL refused.
    case invalidRegularExpression(selector: String)

    public var description: String {
        switch self {
        case .noDatabase(let dataDirectory):
            "there is no hms-ops database in \(dataDirectory) (this command only reads, so it did not make one); run it in the folder where `hms-ops up` runs, or pass that folder's data directory with --data-dir DIR, or a server with --config FILE"
        case .noPostgresUser(let user):
            "running as root, but there is no '\(user)' user to run PostgreSQL as; install it with: apt-get install -y postgresql"
        case .toolsNotFound:
            "PostgreSQL's initdb and pg_ctl were not found (looked in /usr/lib/postgresql/*/bin and PATH); install them with: apt-get install -y postgresql, or set database_url in hms-ops.yaml"
        case .passwordFileMissing(let cluster, let passwordFile, let marker):
            "the embedded cluster at \(cluster) exists but its password file \(passwordFile) is missing; remove both \(cluster) and \(marker) to start afresh"
        case .initdbFailed(let cluster, let output):
            Self.with("initdb failed for \(cluster)", output)
        case .staleServerWontStop(let pid, let cluster, let output):
            Self.with("could not stop the PostgreSQL server (pid \(pid)) left running in \(cluster)", output)
        case .serverDidNotStart(let cluster, let output):
            Self.with("the embedded PostgreSQL server in \(cluster) did not start; its log is \(cluster)/server.log", output)
        case .sharedServerNotReady(let dataDirectory):
            "another hms-ops holds \(dataDirectory)/embedded.lock but its database did not become ready within 60 s; stop it or use another --data-dir"
        case .noFreePort:
            "no free TCP port on 127.0.0.1"
        case .nothingToPurge(let dataDirectory):
            "\(dataDirectory) does not exist; nothing to purge"
        case .notADataDirectory(let dataDirectory, let markers):
            "\(dataDirectory) is not an hms-ops data directory (none of \(markers.joined(separator: ", ")) is in it); nothing removed"
        case .dataDirectoryInUse(let dataDirectory):
            "an hms-ops server is using \(dataDirectory); stop it (Ctrl-C on hms-ops up) and purge again"
        case .cannotCreateFolder(let path):
            "cannot create the folder \(path); check permissions or choose another --data-dir"
        case .cannotCreate(let path, let code):
            "cannot create \(path): \(Self.words(code))"
        case .cannotWrite(let path, let code):
            "cannot write \(path): \(Self.words(code))"
        case .cannotRemove(let path, let reason):
            "cannot remove \(path): \(reason)"
        case .cannotChangeOwner(let path, let user):
            "cannot give \(path) to the \(user) user"
        case .cannotRun(let executable, let code):
            "cannot run \(executable): \(Self.words(code))"
        case .notAPostgresURL:
            "database_url is not a postgres:// URL"
        case .databaseUnavailable(let url, let reason):
            "cannot use the database at \(url): \(reason); check database_url in the configuration"
        case .spoolRecordTooLarge(let bytes, let limit):
            "a spool record may be at most \(limit >> 20) MB; split it (\(bytes) bytes)"
        case .spoolCannotOpen(let path, let code):
            "cannot open the spool \(path): \(Self.words(code))"
        case .spoolCannotWrite(let path, let code):
            "cannot write the spool \(path): \(Self.words(code))"
        case .spoolCannotEmpty(let path, let code):
            "cannot empty the spool \(path): \(Self.words(code))"
        case .invalidRegularExpression(let selector):
            "invalid regular expression in \(selector)"
        }
    }

    /// A sentence, then the tool's or server's last lines when there are any.
    private static func with(_ message: String, _ output: String) -> String {
        output.isEmpty ? message : message + "\n" + output
    }

    /// The C library's words for an `errno`.
    static func words(_ code: Int32) -> String { String(cString: strerror(code)) }
}
