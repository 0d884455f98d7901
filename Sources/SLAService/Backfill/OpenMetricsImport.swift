import Core
import Exposition
import Ingest

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// `hms-ops import openmetrics FILE`: a file of timestamped samples (what `promtool tsdb
/// create-blocks-from openmetrics` reads), streamed a few megabytes at a time into the same
/// minute rows the collector would have written for those samples.
public struct OpenMetricsImport: Sendable {
    /// Bytes read per piece.
    public static let pieceBytes = 4 << 20

    public var path: String
    /// Sets `job` on every series, as a scrape of that service would (labels in the file win).
    public var service: String?
    /// The format, when the file's end does not tell (`# EOF` means OpenMetrics).
    public var format: ExpositionFormat?

    public init(path: String, service: String? = nil, format: ExpositionFormat? = nil) {
        self.path = path
        self.service = service
        self.format = format
    }

    /// How far an import has read.
    public struct Progress: Sendable {
        public var bytesRead: Int
        public var bytesTotal: Int
        public var lines: Int
        public var samples: Int
    }

    /// Reads the whole file into `sink` and finishes it. Stops at the first piece with errors,
    /// naming their lines; minutes written before that stay (importing again changes nothing).
    public func run(into sink: inout BackfillSink, progress: (Progress) -> Void = { _ in }) async throws -> ImportSummary {
        let (fd, total) = try openFile()
        defer { close(fd) }
        var stream = ExpositionStream(format: format ?? Self.sniff(fd, size: total))
        var lookup = SeriesLookup(targetLabels: service.map { [Label("job", $0)] } ?? [])
        // Timestamps of a 0.0.4 file (milliseconds) that read as a time before 1973 but as
        // seconds would be after 2001: a file in seconds whose `# EOF` is missing.
        var secondsInMilliseconds = 0
        var buffer = [UInt8](repeating: 0, count: Self.pieceBytes)
        var read = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ImportError.cannotRead(path: path, errno: errno)
            }
            if n == 0 { break }
            read += n
            let piece = buffer.withUnsafeBufferPointer { stream.feed(UnsafeBufferPointer(rebasing: $0[..<n])) }
            try await take(piece, lookup: &lookup, into: &sink, secondsInMilliseconds: &secondsInMilliseconds)
            progress(Progress(bytesRead: read, bytesTotal: total, lines: stream.lineNumber, samples: sink.summary.samples))
        }
        try await take(stream.finish(), lookup: &lookup, into: &sink, secondsInMilliseconds: &secondsInMilliseconds)
        var summary = try await sink.finish()
        if secondsInMilliseconds > 0, summary.imported == 0 {
            summary.hint =
                "\(path) looks like OpenMetrics without its closing '# EOF' line: its timestamps read as milliseconds (the 0.0.4 text format) "
                + "fall in 1970, but as seconds they are recent; add '# EOF' as the last line, or pass --format openmetrics"
        }
        return summary
    }

    /// The file, open for reading, and its size; or why it cannot be read.
    func openFile() throws -> (Int32, Int) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ImportError.cannotRead(path: path, errno: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw ImportError.notARegularFile(path: path)
        }
        return (fd, Int(info.st_size))
    }

    /// Throws now, before any database is opened, if the file cannot be read.
    public func checkReadable() throws {
        let (fd, _) = try openFile()
        close(fd)
    }

    /// Folds one parsed piece in, or throws its errors.
    func take(_ piece: Exposition, lookup: inout SeriesLookup, into sink: inout BackfillSink, secondsInMilliseconds: inout Int) async throws {
        var errors = piece.errors
        let om = piece.format == .openMetrics
        if errors.isEmpty {
            for family in piece.families {
                for sample in family.samples {
                    guard let seconds = sample.timestamp else {
                        errors.append(ExpositionError(line: sample.line, message: "\(sample.name) has no timestamp; every imported sample needs one"))
                        break
                    }
                    // ±30,000 years: beyond that a timestamp cannot be real and would overflow.
                    guard abs(seconds) < 1e12 else {
                        errors.append(ExpositionError(line: sample.line, message: "timestamp \(seconds) is not a real time"))
                        break
                    }
                    if !om, seconds < 1e8, seconds >= 1e6 { secondsInMilliseconds += 1 }
                    guard let series = lookup.series(for: sample, in: family, openMetrics: om) else { continue }
                    try await sink.add(series, value: sample.value, at: Int64((seconds * 1000).rounded()))
                }
                if !errors.isEmpty { break }
            }
        }
        guard errors.isEmpty else {
            let shown = errors.sorted { $0.line < $1.line }.prefix(20).map { (line: $0.line, message: $0.message) }
            throw ImportError.invalidLines(path: path, lines: Array(shown), samplesBefore: sink.summary.samples)
        }
    }

    /// The format the last bytes of the file show.
    static func sniff(_ fd: Int32, size: Int) -> ExpositionFormat {
        var tail = [UInt8](repeating: 0, count: min(size, 64))
        let n = tail.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(size - $0.count)) }
        return ExpositionFormat.sniff(tail.prefix(max(0, n)))
    }
}
