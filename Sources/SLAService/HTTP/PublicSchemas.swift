/// JSON Schemas (draft 2020-12) of the public API's answers, served at
/// `/public/v1/schema/{name}`. Tests validate every answer against them.
enum PublicSchemas {
    static let all: [String: String] = ["sla.json": sla, "services.json": services, "error.json": error]

    /// Fields every answer carries about the snapshot behind it.
    static let snapshotFields = """
        "generated_at": {"type": ["string", "null"], "format": "date-time", "description": "When the figures were evaluated (UTC)."},
        "stale": {"type": "boolean", "description": "True when the latest evaluation failed and these figures are older."},
        "age_seconds": {"type": ["integer", "null"], "minimum": 0, "description": "How old stale figures are; null when fresh."}
        """

    static let sla = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "/public/v1/schema/sla.json",
          "title": "A service's SLA over a period",
          "type": "object",
          "required": ["service", "period", "status", "uptime_percent", "latency_ms", "slos", "generated_at", "stale", "age_seconds"],
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

    static let services = """
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

    static let error = """
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
}
