/// JSON Schemas (draft 2020-12) of the public API's answers, served at
/// `/public/v1/schema/{name}`. Tests validate every answer against them.
enum PublicSchemas {
    package static let all: [String: String] = [
        "sla.json": sla, "services.json": services, "error.json": error, "sla.xsd": slaXSD, "services.xsd": servicesXSD, "error.xsd": errorXSD,
    ]

    /// Fields every answer carries about the snapshot behind it.
    static let snapshotFields = """
        "generated_at": {"type": ["string", "null"], "format": "date-time", "description": "When the figures were evaluated (UTC)."},
        "stale": {"type": "boolean", "description": "True when the latest evaluation failed and these figures are older."},
        "age_seconds": {"type": ["integer", "null"], "minimum": 0, "description": "How old stale figures are; null when fresh."},
        "starting": {"const": true, "description": "Present until the first figures are evaluated (a server just started): nothing is stale yet."}
        """

    static let sla = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "/public/v1/schema/sla.json",
          "title": "A service's SLA over a period",
          "type": "object",
          "required": ["service", "period", "status", "uptime_percent", "latency_ms", "targets", "slos", "generated_at", "stale", "age_seconds"],
          "additionalProperties": false,
          "properties": {
            \(snapshotFields),
            "service": {
              "type": "object", "required": ["id", "name", "agency"], "additionalProperties": false,
              "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "agency": {"type": ["string", "null"]}}
            },
            "period": {
              "type": "object", "required": ["name", "time_zone"], "additionalProperties": false,
              "properties": {
                "name": {"type": "string", "pattern": "^(24h|7d|30d|90d|[0-9]{4}-[0-9]{2})$"},
                "start": {"type": "string", "format": "date-time"}, "end": {"type": "string", "format": "date-time"},
                "start_local": {"type": "string", "format": "date-time"}, "end_local": {"type": "string", "format": "date-time"},
                "time_zone": {"type": "string"}
              }
            },
            "status": {"enum": ["operational", "degraded", "breaching", "unknown"]},
            "uptime_percent": {"type": ["number", "null"], "minimum": 0, "maximum": 100, "description": "Floored to two decimals."},
            "latency_ms": {
              "type": "object", "required": ["p50", "p95"], "additionalProperties": false,
              "properties": {"p50": {"type": ["number", "null"], "minimum": 0}, "p95": {"type": ["number", "null"], "minimum": 0}}
            },
            "targets": {
              "type": "object", "required": ["uptime_percent", "latency_ms"], "additionalProperties": false,
              "description": "What the service promises: its availability objective and its latency bound, null where it has none.",
              "properties": {
                "uptime_percent": {"type": ["string", "null"], "pattern": "^[0-9]+(\\\\.[0-9]+)?$", "description": "Exact decimal, e.g. \\"99.9\\"."},
                "latency_ms": {
                  "oneOf": [
                    {"type": "null"},
                    {"type": "object", "required": ["percentile", "below"], "additionalProperties": false,
                     "properties": {"percentile": {"type": ["number", "null"], "minimum": 0, "maximum": 100}, "below": {"type": "number", "minimum": 0}}}
                  ]
                }
              }
            },
            "slos": {
              "type": "array",
              "items": {
                "type": "object",
                "required": ["id", "objective_percent", "attainment_percent", "error_budget_remaining_ratio", "burn_rate_1h", "window"],
                "additionalProperties": false,
                "properties": {
                  "id": {"type": "string"},
                  "objective_percent": {"type": "string", "pattern": "^[0-9]+(\\\\.[0-9]+)?$"},
                  "attainment_percent": {"type": ["number", "null"], "minimum": 0, "maximum": 100},
                  "error_budget_remaining_ratio": {"type": ["number", "null"], "maximum": 1},
                  "burn_rate_1h": {"type": ["number", "null"], "minimum": 0},
                  "window": {
                    "oneOf": [
                      {"type": "null"},
                      {"type": "object", "required": ["start", "end"], "additionalProperties": false,
                       "properties": {"start": {"type": "string", "format": "date-time"}, "end": {"type": "string", "format": "date-time"}}}
                    ]
                  }
                }
              }
            }
          }
        }
        """

    package static let services = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "/public/v1/schema/services.json",
          "title": "The public services",
          "type": "object",
          "required": ["services", "generated_at", "stale", "age_seconds"],
          "additionalProperties": false,
          "properties": {
            \(snapshotFields),
            "services": {
              "type": "array",
              "items": {
                "type": "object", "required": ["id", "name", "agency", "time_zone", "status", "sla"], "additionalProperties": false,
                "properties": {
                  "id": {"type": "string"}, "name": {"type": "string"}, "agency": {"type": ["string", "null"]},
                  "time_zone": {"type": "string"}, "status": {"enum": ["operational", "degraded", "breaching", "unknown"]},
                  "sla": {"type": "string"}
                }
              }
            }
          }
        }
        """

    package static let error = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "/public/v1/schema/error.json",
          "title": "An error",
          "type": "object", "required": ["error"], "additionalProperties": false,
          "properties": {
            "error": {
              "type": "object", "required": ["status", "message"], "additionalProperties": false,
              "properties": {"status": {"type": "integer"}, "message": {"type": "string"}}
            }
          }
        }
        """

    // MARK: XML Schemas (the same answers as XML: an element per key, nulls left out)

    static let xsdSnapshotFields = """
                <xs:element name="age_seconds" type="xs:nonNegativeInteger" minOccurs="0"/>
                <xs:element name="generated_at" type="xs:dateTime" minOccurs="0"/>
                <xs:element name="stale" type="xs:boolean"/>
                <xs:element name="starting" type="xs:boolean" fixed="true" minOccurs="0"/>
        """

    static let xsdStatus = """
          <xs:simpleType name="status">
            <xs:restriction base="xs:string">
              <xs:enumeration value="operational"/><xs:enumeration value="degraded"/>
              <xs:enumeration value="breaching"/><xs:enumeration value="unknown"/>
            </xs:restriction>
          </xs:simpleType>
        """

    static let slaXSD = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- /public/v1/schema/sla.xsd: a service's SLA over a period, as XML -->
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
        \(xsdStatus)
          <xs:simpleType name="percent">
            <xs:restriction base="xs:double"><xs:minInclusive value="0"/><xs:maxInclusive value="100"/></xs:restriction>
          </xs:simpleType>
          <xs:element name="sla">
            <xs:complexType>
              <xs:all>
        \(xsdSnapshotFields)
                <xs:element name="latency_ms">
                  <xs:complexType>
                    <xs:all>
                      <xs:element name="p50" type="xs:double" minOccurs="0"/>
                      <xs:element name="p95" type="xs:double" minOccurs="0"/>
                    </xs:all>
                  </xs:complexType>
                </xs:element>
                <xs:element name="targets">
                  <xs:complexType>
                    <xs:all>
                      <xs:element name="uptime_percent" type="xs:decimal" minOccurs="0"/>
                      <xs:element name="latency_ms" minOccurs="0">
                        <xs:complexType>
                          <xs:all>
                            <xs:element name="percentile" type="xs:double" minOccurs="0"/>
                            <xs:element name="below" type="xs:double"/>
                          </xs:all>
                        </xs:complexType>
                      </xs:element>
                    </xs:all>
                  </xs:complexType>
                </xs:element>
                <xs:element name="period">
                  <xs:complexType>
                    <xs:all>
                      <xs:element name="end" type="xs:dateTime" minOccurs="0"/>
                      <xs:element name="end_local" type="xs:dateTime" minOccurs="0"/>
                      <xs:element name="name">
                        <xs:simpleType>
                          <xs:restriction base="xs:string"><xs:pattern value="24h|7d|30d|90d|[0-9]{4}-[0-9]{2}"/></xs:restriction>
                        </xs:simpleType>
                      </xs:element>
                      <xs:element name="start" type="xs:dateTime" minOccurs="0"/>
                      <xs:element name="start_local" type="xs:dateTime" minOccurs="0"/>
                      <xs:element name="time_zone" type="xs:string"/>
                    </xs:all>
                  </xs:complexType>
                </xs:element>
                <xs:element name="service">
                  <xs:complexType>
                    <xs:all>
                      <xs:element name="agency" type="xs:string" minOccurs="0"/>
                      <xs:element name="id" type="xs:string"/>
                      <xs:element name="name" type="xs:string"/>
                    </xs:all>
                  </xs:complexType>
                </xs:element>
                <xs:element name="slos">
                  <xs:complexType>
                    <xs:sequence>
                      <xs:element name="slo" minOccurs="0" maxOccurs="unbounded">
                        <xs:complexType>
                          <xs:all>
                            <xs:element name="attainment_percent" type="percent" minOccurs="0"/>
                            <xs:element name="burn_rate_1h" type="xs:double" minOccurs="0"/>
                            <xs:element name="error_budget_remaining_ratio" type="xs:double" minOccurs="0"/>
                            <xs:element name="id" type="xs:string"/>
                            <xs:element name="objective_percent" type="xs:decimal"/>
                            <xs:element name="window" minOccurs="0">
                              <xs:complexType>
                                <xs:all>
                                  <xs:element name="end" type="xs:dateTime"/>
                                  <xs:element name="start" type="xs:dateTime"/>
                                </xs:all>
                              </xs:complexType>
                            </xs:element>
                          </xs:all>
                        </xs:complexType>
                      </xs:element>
                    </xs:sequence>
                  </xs:complexType>
                </xs:element>
                <xs:element name="status" type="status"/>
                <xs:element name="uptime_percent" type="percent" minOccurs="0"/>
              </xs:all>
            </xs:complexType>
          </xs:element>
        </xs:schema>
        """

    static let servicesXSD = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- /public/v1/schema/services.xsd: the public services, as XML -->
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
        \(xsdStatus)
          <xs:element name="services">
            <xs:complexType>
              <xs:all>
        \(xsdSnapshotFields)
                <xs:element name="services">
                  <xs:complexType>
                    <xs:sequence>
                      <xs:element name="service" minOccurs="0" maxOccurs="unbounded">
                        <xs:complexType>
                          <xs:all>
                            <xs:element name="agency" type="xs:string" minOccurs="0"/>
                            <xs:element name="id" type="xs:string"/>
                            <xs:element name="name" type="xs:string"/>
                            <xs:element name="sla" type="xs:string"/>
                            <xs:element name="status" type="status"/>
                            <xs:element name="time_zone" type="xs:string"/>
                          </xs:all>
                        </xs:complexType>
                      </xs:element>
                    </xs:sequence>
                  </xs:complexType>
                </xs:element>
              </xs:all>
            </xs:complexType>
          </xs:element>
        </xs:schema>
        """

    static let errorXSD = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- /public/v1/schema/error.xsd: an error, as XML -->
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
          <xs:element name="error">
            <xs:complexType>
              <xs:all>
                <xs:element name="message" type="xs:string"/>
                <xs:element name="status" type="xs:integer"/>
              </xs:all>
            </xs:complexType>
          </xs:element>
        </xs:schema>
        """
}
