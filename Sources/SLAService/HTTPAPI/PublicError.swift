/// An error answer of the public API (schema `error.json`, `error.xsd`): `{"error": {...}}` in
/// JSON, `<error>` in XML.
package struct PublicError: Encodable, Sendable {
    package var status: Int
    package var message: String

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: PublicKey.self)
        try container.encode(status, forKey: "status")
        try container.encode(message, forKey: "message")
    }
}
