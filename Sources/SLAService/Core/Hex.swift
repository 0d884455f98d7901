import Crypto
import Foundation

/// Lowercase hex, for hashes used as keys (series, SLO tallies, imports) and ETags.
package enum Hex {
    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The first `bytes` bytes of the SHA-256 of `data`, in hex.
    package static func sha256(_ data: some DataProtocol, bytes: Int = 32) -> String { encode(SHA256.hash(data: data).prefix(bytes)) }
}
