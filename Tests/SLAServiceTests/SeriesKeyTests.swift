import Foundation
import Testing

@testable import SLAService

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
}
