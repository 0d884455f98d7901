// libFuzzer entry for the exposition parser (built by scripts/fuzz-parser.sh with the parser's
// own sources, under AddressSanitizer). Each input is parsed as both formats, whole and as a
// stream cut in two; the two ways must give the same samples and the same verdict, every
// family's help must read back, and nothing may trap.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for format in [ExpositionFormat.prometheusText, .openMetrics] {
        let whole = ExpositionParser.parse(bytes, format: format)
        for family in whole.families {
            _ = family.help
            _ = family.detached.help
            for sample in family.samples { _ = sample.exemplar }
        }
        var stream = ExpositionStream(format: format)
        let cut = size / 2
        var pieces = [stream.feed(Array(bytes[..<cut])), stream.feed(Array(bytes[cut...]))]
        pieces.append(stream.finish())
        let streamedSamples = pieces.flatMap(\.samples)
        let streamedErrors = pieces.flatMap(\.errors)
        guard streamedErrors.isEmpty == whole.errors.isEmpty else {
            fatalError("\(format): whole parse errors \(whole.errors.prefix(3)), streamed \(streamedErrors.prefix(3))")
        }
        if whole.errors.isEmpty, streamedSamples != whole.samples {
            fatalError("\(format): streamed samples differ from the whole parse's")
        }
    }
    return 0
}
