// Parse throughput of hms-ops' exposition parser: reads each file once, parses it repeatedly
// for about two seconds, and prints MB/s and samples/s. Built in release mode by run.sh.
// PARSE_BENCH_ROUNDS=N parses each file exactly N times instead (for instruction counts under
// `valgrind --tool=callgrind`, which do not vary with the machine's load).
import Exposition
import Foundation

for path in CommandLine.arguments.dropFirst() {
    guard let data = FileManager.default.contents(atPath: path) else {
        print("cannot read \(path)")
        exit(1)
    }
    let bytes = Array(data)
    let format = ExpositionFormat.sniff(bytes)
    let first = ExpositionParser.parse(bytes, format: format)
    guard first.errors.isEmpty else {
        print("\(path): \(first.errors[0])")
        exit(1)
    }
    let samples = first.families.reduce(0) { $0 + $1.samples.count }
    let clock = ContinuousClock()
    var rounds = 0
    let start = clock.now
    let fixedRounds = ProcessInfo.processInfo.environment["PARSE_BENCH_ROUNDS"].flatMap { Int($0) }
    while fixedRounds.map({ rounds < $0 }) ?? (clock.now - start < .seconds(2)) {
        let result = ExpositionParser.parse(bytes, format: format)
        precondition(result.errors.isEmpty)
        rounds += 1
    }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let mb = Double(bytes.count) * Double(rounds) / 1e6 / seconds
    let rate = Double(samples) * Double(rounds) / seconds
    print(String(format: "hms-ops  %-32@ %8.1f MB/s %12.0f samples/s", (path as NSString).lastPathComponent, mb, rate))
}
