#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

extension MetricFamily {
    /// Whether a sample called `name` belongs to the family `familyName` of `type` (static: a
    /// method on an array element would copy the whole builder for each sample).
    package static func allows(_ name: String, in familyName: String, _ type: MetricType, openMetrics: Bool) -> Bool {
        // On UTF-8 bytes: String's count and dropFirst walk graphemes, and this runs per sample.
        if name == familyName { return type.sampleSuffixes(openMetrics: openMetrics).contains("") }
        var base = familyName, full = name
        return base.withUTF8 { base in
            full.withUTF8 { full in
                guard full.count >= base.count, base.isEmpty || memcmp(full.baseAddress!, base.baseAddress!, base.count) == 0 else {
                    return false
                }
                let suffix = UnsafeBufferPointer(rebasing: full[base.count...])
                return type.sampleSuffixes(openMetrics: openMetrics).contains { candidate in
                    var candidate = candidate
                    return candidate.withUTF8 { $0.elementsEqual(suffix) }
                }
            }
        }
    }
}
