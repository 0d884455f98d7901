import Widgets

/// `GET /public/v1/services`: the public services and each one's status word (schema
/// `services.json`, `services.xsd`).
package struct PublicServiceList: PublicFields, Sendable {
    package var header: PublicHeader
    package var services: [Entry]

    package struct Entry: PublicFields, Sendable {
        package var id: String
        package var name: String
        package var agency: String?
        package var timeZone: String
        package var status: SLACardStatus
        /// The path of its SLA answer.
        package var sla: String

        package var fields: [PublicField] {
            [("id", id), ("name", name), ("agency", agency), ("time_zone", timeZone), ("status", status), ("sla", sla)]
        }
    }

    package var fields: [PublicField] { header.fields + [("services", services)] }
}
