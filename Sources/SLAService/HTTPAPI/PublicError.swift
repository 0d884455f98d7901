/// An error answer of the public API (schema `error.json`, `error.xsd`): `{"error": {...}}` in
/// JSON, `<error>` in XML.
package struct PublicError: PublicFields, Sendable {
    package var status: Int
    package var message: String

    package var fields: [PublicField] { [("status", status), ("message", message)] }
}
