import Crypto
import Foundation
import Synchronization

/// One series: metric name, labels sorted by name, and how it is folded.
///
/// Its hash is computed once, when it is made: the accumulator and the writer look series up
/// several times per sample, and hashing every label string each time was most of their cost.
/// Its parts live in one immutable object, so copying a key (per sample, into rows, into caches)
/// costs one reference count, not one per string and array.
///
/// A scraped series keeps its labels as two shared arrays: the sample's own (the exposition's
/// array) and its target's (one per target), merged (`SeriesKey.merge`) and sorted only when
/// `labels` is read, which the sample path never does. A merged copy per series was ~200 bytes
/// of each series' memory.
public struct SeriesKey: Sendable, Hashable, Codable {
    package final class Storage: Sendable {
        package let metric: String
        /// The labels, or with `target` non-empty, the sample's own labels.
        package let own: [Label]
        package let target: [Label]
        package let honor: Bool
        package let kind: SeriesKind
        let fingerprint: Int
        /// Where the accumulator last kept this key's state (a hint, checked by identity).
        package let slot = Atomic<Int>(-1)
        /// The database id a writer found for this key, tagged with that writer's generation.
        package let storedID = Atomic<Int64>(0)

        package init(metric: String, own: [Label], target: [Label], honor: Bool, kind: SeriesKind, fingerprint: Int) {
            self.metric = metric
            self.own = own
            self.target = target
            self.honor = honor
            self.kind = kind
            self.fingerprint = fingerprint
        }

        package var labels: [Label] { target.isEmpty ? own : SeriesKey.sorted(SeriesKey.merge(own, target: target, honor: honor)) }
    }

    package let storage: Storage
    public var metric: String { storage.metric }
    /// The labels, sorted by name.
    public var labels: [Label] { storage.labels }
    public var kind: SeriesKind { storage.kind }
    var fingerprint: Int { storage.fingerprint }

    private init(storage: Storage) { self.storage = storage }

    public init(metric: String, labels: [Label], kind: SeriesKind) {
        let sorted = Self.sorted(labels)
        self.init(
            storage: Storage(
                metric: metric, own: sorted, target: [], honor: false, kind: kind, fingerprint: Self.fingerprint(metric, sorted, kind)))
    }

    /// A scraped sample's series: its own labels with its target's (see `SeriesKey.merge`).
    package init(metric: String, own: [Label], target: [Label], honor: Bool, kind: SeriesKind) {
        guard !target.isEmpty else {
            self.init(metric: metric, labels: own, kind: kind)
            return
        }
        let labels = Self.sorted(SeriesKey.merge(own, target: target, honor: honor))
        self.init(
            storage: Storage(
                metric: metric, own: own, target: target, honor: honor, kind: kind, fingerprint: Self.fingerprint(metric, labels, kind)))
    }

    static func fingerprint(_ metric: String, _ labels: [Label], _ kind: SeriesKind) -> Int {
        var hasher = Hasher()
        hasher.combine(metric)
        hasher.combine(labels)
        hasher.combine(kind)
        return hasher.finalize()
    }

    package static func sorted(_ labels: [Label]) -> [Label] { isSorted(labels) ? labels : labels.sorted { $0.name < $1.name } }

    static func isSorted(_ labels: [Label]) -> Bool {
        var index = 1
        while index < labels.count {
            if labels[index].name < labels[index - 1].name { return false }
            index += 1
        }
        return true
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }

    /// The database id writer `generation` stored for this very key object, if it did.
    package func storedID(for generation: Int64) -> Int64? {
        let tagged = storage.storedID.load(ordering: .relaxed)
        return tagged >> 40 == generation ? tagged & (1 << 40 - 1) : nil
    }

    /// Remembers the database id writer `generation` found (ids and generations that do not
    /// fit the tag are simply not remembered).
    package func remember(_ id: Int64, for generation: Int64) {
        guard id > 0, id < 1 << 40, generation > 0, generation < 1 << 23 else { return }
        storage.storedID.store(generation << 40 | id, ordering: .relaxed)
    }

    public static func == (a: SeriesKey, b: SeriesKey) -> Bool {
        a.storage === b.storage
            || (a.fingerprint == b.fingerprint && a.kind == b.kind && a.metric == b.metric && a.labels == b.labels)
    }

    package enum CodingKeys: String, CodingKey { case metric, labels, kind }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            metric: try container.decode(String.self, forKey: .metric), labels: try container.decode([Label].self, forKey: .labels),
            kind: try container.decode(SeriesKind.self, forKey: .kind))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metric, forKey: .metric)
        try container.encode(labels, forKey: .labels)
        try container.encode(kind, forKey: .kind)
    }

    /// `metric{a="1",b="2"}` with values escaped as the text format does; unique per series.
    public var canonical: String {
        var out = metric + "{"
        for (i, label) in labels.enumerated() {
            if i > 0 { out += "," }
            out += label.name + "=\""
            for c in label.value.unicodeScalars {
                switch c {
                case "\\": out += "\\\\"
                case "\"": out += "\\\""
                case "\n": out += "\\n"
                default: out.unicodeScalars.append(c)
                }
            }
            out += "\""
        }
        return out + "}"
    }

    /// SHA-256 of the canonical form: the `series.hash` key in PostgreSQL.
    public var hash: [UInt8] { Array(SHA256.hash(data: Array(canonical.utf8))) }

    /// The SHA-256 in lowercase hex.
    package var hashHex: String { Hex.encode(hash) }

    /// The labels as a JSON object, keys sorted, strings escaped per RFC 8259.
    package var labelsJSON: String {
        var out = "{"
        var seen = Set<String>()
        for (index, label) in labels.enumerated() where seen.insert(label.name).inserted {
            if index > 0 { out += "," }
            Self.appendJSONString(label.name, to: &out)
            out += ":"
            Self.appendJSONString(label.value, to: &out)
        }
        return out + "}"
    }

    static func appendJSONString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

extension SeriesKey {
    /// A sample's own labels with its target's: on a clash the target's label wins and the
    /// sample's is kept as `exported_NAME`, unless `honor` (honor_labels) keeps the sample's.
    package static func merge(_ labels: [Label], target: [Label], honor: Bool) -> [Label] {
        guard !target.isEmpty else { return labels }
        var out = labels
        for label in target {
            if let index = out.firstIndex(where: { $0.name == label.name }) {
                if honor { continue }
                out[index].name = "exported_" + label.name
            }
            out.append(label)
        }
        return out
    }
}
