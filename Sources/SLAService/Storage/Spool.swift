import Foundation
import Glibc
import Synchronization

/// An append-only, fsync'd, checksummed file of record batches: where closed minutes wait while
/// PostgreSQL is away. Each record is `HMS1`, the payload length and its CRC-32 (little endian),
/// then the payload. A torn tail (a crash mid-append) fails its length or checksum; reading stops
/// there, reports it, and the next append overwrites it.
public final class Spool: Sendable {
    public let path: String
    /// Where the next record goes, once known: we are the only writer, so after one full read
    /// appends need not read the file again.
    private let end = Mutex<Int?>(nil)
    static let magic: [UInt8] = Array("HMS1".utf8)
    static let headerSize = 12
    /// Largest payload accepted back from disk, so a corrupt length cannot make us allocate wildly.
    package static let maximumPayload = 256 << 20

    public init(path: String) { self.path = path }

    /// What reading the spool found: whole records, and where a torn tail starts (if any).
    public struct Contents: Sendable {
        public var records: [[UInt8]]
        /// Byte offset of the first damaged record; nil when the file ends cleanly.
        public var tornAt: Int?
        /// Bytes in the file.
        public var size: Int
    }

    public var isEmpty: Bool { size == 0 }

    /// Bytes in the file (0 when there is none).
    public var size: Int {
        var info = stat()
        return stat(path, &info) != 0 ? 0 : Int(info.st_size)
    }

    /// Appends one record durably (written and fsync'd before this returns). A torn tail left
    /// by a crash is cut off first, so new records never sit behind garbage.
    public func append(_ payload: [UInt8]) throws(StorageError) {
        guard payload.count <= Self.maximumPayload else {
            throw StorageError.spoolRecordTooLarge(bytes: payload.count, limit: Self.maximumPayload)
        }
        let known = self.end.withLock { $0 }
        var end: Int
        var torn = false
        if let known {
            end = known
        } else {
            let contents = try read()
            end = contents.tornAt ?? contents.size
            torn = contents.tornAt != nil
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StorageError.spoolCannotOpen(path: path, errno: errno) }
        defer { close(fd) }
        if torn { _ = ftruncate(fd, off_t(end)) }
        var record = Self.magic
        record += Self.littleEndian(UInt32(payload.count))
        record += Self.littleEndian(CRC32.checksum(payload))
        record += payload
        let written = record.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(end)) }
        guard written == record.count, fsync(fd) == 0 else {
            self.end.withLock { $0 = nil }  // unknown now: the next append reads the file again
            throw StorageError.spoolCannotWrite(path: path, errno: errno)
        }
        end += record.count
        self.end.withLock { [end] in $0 = end }
    }

    /// Every whole record, oldest first.
    public func read() throws(StorageError) -> Contents {
        guard let handle = FileHandle(forReadingAtPath: path) else { return Contents(records: [], tornAt: nil, size: 0) }
        defer { try? handle.close() }
        let bytes = Array((try? handle.readToEnd()) ?? Data())
        var records: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            guard offset + Self.headerSize <= bytes.count, Array(bytes[offset..<offset + 4]) == Self.magic else {
                return Contents(records: records, tornAt: offset, size: bytes.count)
            }
            let length = Int(Self.uint32(bytes, offset + 4))
            let checksum = Self.uint32(bytes, offset + 8)
            let start = offset + Self.headerSize
            guard length <= Self.maximumPayload, start + length <= bytes.count,
                CRC32.checksum(bytes[start..<start + length]) == checksum
            else {
                return Contents(records: records, tornAt: offset, size: bytes.count)
            }
            records.append(Array(bytes[start..<start + length]))
            offset = start + length
        }
        return Contents(records: records, tornAt: nil, size: bytes.count)
    }

    /// Empties the spool once its records are safely elsewhere.
    public func clear() throws(StorageError) {
        guard truncate(path, 0) == 0 || errno == ENOENT else {
            self.end.withLock { $0 = nil }
            throw StorageError.spoolCannotEmpty(path: path, errno: errno)
        }
        self.end.withLock { $0 = 0 }
    }

    static func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    static func uint32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * $1) }
    }
}
