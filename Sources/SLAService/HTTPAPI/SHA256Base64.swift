import Crypto
import Foundation

/// Base64 of a SHA-256 digest, the form CSP hashes and integrity attributes use.
enum SHA256Base64 {
    static func digest(_ text: String) -> String {
        Data(SHA256.hash(data: Array(text.utf8))).base64EncodedString()
    }
}
