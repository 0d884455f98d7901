// A stand-in for swift-crypto's `Crypto` module, for scripts/fuzz-ingest.sh only (built into
// .build-fuzz/ as a module named Crypto, so SeriesKey.swift and Hex.swift compile without the
// package's dependencies). It exposes just what they call, `SHA256.hash(data:)`, and it does
// not hash: the fuzzed code (decoders, mapper, accumulators, spool payload) never asks for a
// series' SHA-256 (`SeriesKey.hash`, `Hex.sha256`), so any call here is a mistake in the fuzz
// setup, and it traps rather than hand back a made-up digest.
import Foundation

public enum SHA256 {
    public static func hash(data: some DataProtocol) -> [UInt8] {
        fatalError("not used by the fuzzed code")
    }
}
