import Widgets

/// `GET /public/v1/services`: the public services and each one's status word (schema
/// `services.json`, `services.xsd`).
package struct PublicServiceList: Encodable, Sendable {
    package var header: PublicHeader
    package var services: [Entry]

    package struct Entry: Encodable, Sendable {
        package var id: String
        package var name: String
        package var agency: String?
        package var timeZone: String
        package var status: SLACardStatus
        /// The path of its SLA answer.
        package var sla: String

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: PublicKey.self)
            try container.encode(id, forKey: "id")
            try container.encode(name, forKey: "name")
            try container.encode(agency, forKey: "agency")
            try container.encode(timeZone, forKey: "time_zone")
            try container.encode(status, forKey: "status")
            try container.encode(sla, forKey: "sla")
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: PublicKey.self)
        try header.encode(into: &container)
        try container.encode(services, forKey: "services")
    }
}
