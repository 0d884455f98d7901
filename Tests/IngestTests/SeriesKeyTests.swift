import Foundation
import Testing

@testable import Core
@testable import Ingest

@Suite("Series keys")
struct SeriesKeyTests {
    @Test func labelsJSONReadsBackAsTheLabelsWhateverTheyHold() throws {
        let values = ["plain", "", "quote \" and \\ backslash", "line\nbreak\r\ttab", "\u{0}\u{1}\u{1f}\u{7f}", "ünïcødé 🚀", "{\"json\":1}"]
        for (index, value) in values.enumerated() {
            let key = SeriesKey(metric: "m", labels: [Label("b", value), Label("a", "x\(index)")], kind: .gauge)
            let object = try JSONSerialization.jsonObject(with: Data(key.labelsJSON.utf8)) as? [String: String]
            #expect(object == ["a": "x\(index)", "b": value], "\(value.debugDescription)")
        }
    }

    @Test func equalSeriesHashAlikeAndLabelOrderDoesNotMatter() {
        let a = SeriesKey(metric: "m", labels: [Label("b", "2"), Label("a", "1")], kind: .counter)
        let b = SeriesKey(metric: "m", labels: [Label("a", "1"), Label("b", "2")], kind: .counter)
        #expect(a == b && a.hashValue == b.hashValue && a.hashHex == b.hashHex)
        #expect(a != SeriesKey(metric: "m", labels: [Label("a", "1"), Label("b", "2")], kind: .gauge))
        #expect(a.hashHex.count == 64 && a.hashHex.allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test func aDecodedKeyEqualsTheOriginal() throws {
        let key = SeriesKey(metric: "m", labels: [Label("z", "1"), Label("a", "2")], kind: .histogramBucket)
        let decoded = try JSONDecoder().decode(SeriesKey.self, from: JSONEncoder().encode(key))
        #expect(decoded == key && decoded.hashValue == key.hashValue)
    }

    /// A scraped series keeps its own and its target's labels apart; it is the same series (equal,
    /// same hash, same labels, same canonical form) as one made from the merged labels.
    @Test func ownAndTargetLabelsMakeTheSeriesTheirMergeMakes() throws {
        let target = [Label("instance", "a:1"), Label("job", "j")]
        for own in [[], [Label("z", "1"), Label("code", "200")], [Label("job", "inner"), Label("a", "x")], [Label("instance", "b:2")]] {
            for honor in [false, true] {
                let split = SeriesKey(metric: "m", own: own, target: target, honor: honor, kind: .counter)
                let merged = SeriesKey(metric: "m", labels: SeriesKey.merge(own, target: target, honor: honor), kind: .counter)
                #expect(split == merged)
                #expect(split.hashValue == merged.hashValue)
                #expect(split.labels == merged.labels)
                #expect(split.labels == split.labels.sorted { $0.name < $1.name })
                #expect(split.canonical == merged.canonical)
                let decoded = try JSONDecoder().decode(SeriesKey.self, from: JSONEncoder().encode(split))
                #expect(decoded == split && decoded.hashValue == split.hashValue)
            }
        }
        #expect(
            SeriesKey(metric: "m", own: [Label("job", "inner")], target: target, honor: false, kind: .counter).labels.map(\.name) == [
                "exported_job", "instance", "job",
            ])
    }
}
