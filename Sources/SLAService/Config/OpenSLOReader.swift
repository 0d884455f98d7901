import Core
import Foundation
import Yams

/// Reads SLOs from OpenSLO v1 YAML (`kind: SLO`, and `kind: SLI` for `indicatorRef`), or from a
/// Sloth `prometheus/v1` spec, into the
/// SLOs of the services they name. What hms-ops cannot evaluate exactly is refused with the file,
/// line and what to do, never approximated: threshold metrics, composite objectives, time slices
/// other than one minute, queries that are not a selector (optionally inside `sum(rate(...))`).
public enum OpenSLOReader {
    /// One SLO and the service (`spec.service`) it belongs to.
    public struct Imported: Sendable, Equatable {
        public var service: String
        public var slo: SLODefinition
        /// A calendar window's `calendar.timeZone`, and where it is written: it must be the service's.
        public var timeZone: ConfigIssue?
    }

    /// Reads a file; every problem with its line.
    public static func load(path: String) throws(ConfigErrors) -> [Imported] {
        try parse(ConfigLoader.readText(path, what: "an OpenSLO v1 YAML file"), file: path)
    }

    public static func parse(_ text: String, file: String) throws(ConfigErrors) -> [Imported] {
        let documents: [Node]
        do {
            documents = try Array(Yams.compose_all(yaml: text))
        } catch {
            throw ConfigErrors([ConfigLoader.syntaxIssue(error, file: file)])
        }
        var r = YAMLReader(file: file)
        if documents.count == 1, let version = documents[0].mapping?["version"]?.scalar?.string {
            guard version == "prometheus/v1" else {
                r.report(documents[0].mapping?["version"], "version", "only Sloth's prometheus/v1 specs are read, got '\(YAMLReader.clip(version))'")
                throw ConfigErrors(r.issues)
            }
            let out = readSloth(documents[0], &r)
            guard r.issues.isEmpty else { throw ConfigErrors(r.issues) }
            return out
        }
        var slis: [String: Node] = [:]
        var slos: [(Node, String)] = []
        for (index, document) in documents.enumerated() {
            let field = "document[\(index)]"
            guard let keys = r.mapping(document, field, allowed: ["apiVersion", "kind", "metadata", "spec"]) else { continue }
            guard let (_, versionNode) = keys["apiVersion"], let version = r.string(versionNode, "\(field).apiVersion") else {
                if keys["apiVersion"] == nil { r.report(document, "\(field).apiVersion", "missing; OpenSLO documents say apiVersion: openslo/v1") }
                continue
            }
            guard version == "openslo/v1" else {
                r.report(versionNode, "\(field).apiVersion", "only openslo/v1 is read, got '\(YAMLReader.clip(version))'")
                continue
            }
            guard let (_, kindNode) = keys["kind"], let kind = r.string(kindNode, "\(field).kind") else { continue }
            let name = keys["metadata"].flatMap {
                r.mapping($0.value, "\(field).metadata", allowed: ["name", "displayName", "labels", "annotations"])
            }?["name"]
            .flatMap { r.string($0.value, "\(field).metadata.name", maxLength: 63) }
            switch kind {
            case "SLO":
                guard let name else {
                    r.report(document, "\(field).metadata.name", "missing; it becomes the SLO's id")
                    continue
                }
                if let (_, spec) = keys["spec"] { slos.append((spec, name)) }
            case "SLI":
                if let name, let (_, spec) = keys["spec"] { slis[name] = spec }
            default:
                continue  // Service, DataSource, alert objects: valid OpenSLO, not used here
            }
        }
        var out: [Imported] = []
        for (spec, name) in slos {
            if let imported = readSLO(spec, name: name, slis: slis, &r) { out.append(imported) }
        }
        guard r.issues.isEmpty else { throw ConfigErrors(r.issues) }
        return out
    }

    static func readSLO(_ node: Node, name: String, slis: [String: Node], _ r: inout YAMLReader) -> Imported? {
        let field = "SLO \(name)"
        let before = r.issues.count
        guard
            let keys = r.mapping(
                node, "\(field).spec",
                allowed: ["description", "service", "indicator", "indicatorRef", "timeWindow", "budgetingMethod", "objectives", "alertPolicies"])
        else { return nil }
        if !ConfigLoader.isIdentifier(name) {
            r.report(node, "\(field).metadata.name", "'\(YAMLReader.clip(name))' cannot be an SLO id; use lowercase letters, digits and '-'")
        }
        let service = keys["service"].flatMap { r.string($0.value, "\(field).spec.service", maxLength: 63) }
        if keys["service"] == nil { r.report(node, "\(field).spec.service", "missing; name the hms-ops service id this SLO belongs to") }
        // The indicator, inline or by reference.
        var sli: SLIDefinition?
        if let (_, inline) = keys["indicator"] {
            if let indicator = r.mapping(inline, "\(field).spec.indicator", allowed: ["metadata", "spec"]), let (_, spec) = indicator["spec"] {
                sli = readSLI(spec, "\(field).spec.indicator.spec", &r)
            }
        } else if let (_, reference) = keys["indicatorRef"], let ref = r.string(reference, "\(field).spec.indicatorRef") {
            if let spec = slis[ref] {
                sli = readSLI(spec, "SLI \(ref).spec", &r)
            } else {
                r.report(reference, "\(field).spec.indicatorRef", "no kind: SLI named '\(YAMLReader.clip(ref))' in this file")
            }
        } else {
            r.report(node, "\(field).spec.indicator", "missing; give indicator or indicatorRef")
        }
        var window = SLOWindow.rolling(.days(30))
        var zone: ConfigIssue?
        if let (_, windows) = keys["timeWindow"], let items = r.sequence(windows, "\(field).spec.timeWindow", of: "one time window") {
            if items.count != 1 {
                r.report(windows, "\(field).spec.timeWindow", "expected exactly one time window, got \(items.count)")
            } else if let parsed = readWindow(items[0], "\(field).spec.timeWindow[0]", &r, zone: &zone) {
                window = parsed
            }
        }
        var method: BudgetingMethod?
        if let (_, n) = keys["budgetingMethod"], let text = r.string(n, "\(field).spec.budgetingMethod") {
            method = BudgetingMethod(rawValue: text)
            if method == nil {
                r.report(n, "\(field).spec.budgetingMethod", "expected Occurrences, Timeslices or RatioTimeslices, got '\(YAMLReader.clip(text))'")
            }
        } else if keys["budgetingMethod"] == nil {
            r.report(node, "\(field).spec.budgetingMethod", "missing; OpenSLO requires Occurrences, Timeslices or RatioTimeslices")
        }
        var objective: Decimal?
        var sliceTarget: Decimal?
        if let (_, n) = keys["objectives"], let items = r.sequence(n, "\(field).spec.objectives", of: "objectives") {
            if items.count != 1 {
                r.report(n, "\(field).spec.objectives", "expected exactly one objective (composite SLOs are not supported), got \(items.count)")
            } else {
                (objective, sliceTarget) = readObjective(items[0], "\(field).spec.objectives[0]", &r)
            }
        } else if keys["objectives"] == nil {
            r.report(node, "\(field).spec.objectives", "missing; give one objective with target or targetPercent")
        }
        if sliceTarget != nil, method != .timeslices {
            r.report(keys["objectives"]?.value, "\(field).spec.objectives[0].timeSliceTarget", "only a Timeslices SLO has a slice target")
        }
        guard r.issues.count == before, let service, let sli, let objective, let method else { return nil }
        return Imported(
            service: service, slo: SLODefinition(id: name, objective: objective, window: window, sli: sli, method: method, sliceTarget: sliceTarget),
            timeZone: zone)
    }

    static func readWindow(_ node: Node, _ field: String, _ r: inout YAMLReader, zone: inout ConfigIssue?) -> SLOWindow? {
        guard let keys = r.mapping(node, field, allowed: ["duration", "isRolling", "calendar"]) else { return nil }
        guard let (_, durationNode) = keys["duration"], let text = r.string(durationNode, "\(field).duration", maxLength: 16) else {
            if keys["duration"] == nil { r.report(node, "\(field).duration", "missing; such as 30d (rolling) or 1M (calendar)") }
            return nil
        }
        let rolling = keys["isRolling"].flatMap { r.bool($0.value, "\(field).isRolling") } ?? (keys["calendar"] == nil)
        if !rolling {
            let units: [String: SLOWindow.CalendarUnit] = ["1w": .week, "7d": .week, "1M": .month, "1Q": .quarter]
            guard let unit = units[text] else {
                r.report(durationNode, "\(field).duration", "calendar windows here are 1w, 1M or 1Q, got '\(YAMLReader.clip(text))'")
                return nil
            }
            // The service's time_zone decides where a calendar period starts (calendar.startTime
            // is not used); a calendar.timeZone is kept so the configuration can check it agrees.
            if let (_, calendar) = keys["calendar"], let named = calendar.mapping?["timeZone"], let text = named.scalar?.string {
                zone = ConfigIssue(
                    file: r.file, line: named.mark?.line ?? 0, column: named.mark?.column ?? 0, field: "\(field).calendar.timeZone", message: text)
            }
            return .calendar(unit)
        }
        guard let duration = ConfigDuration(parsing: text), duration >= .hours(1), duration <= .days(90) else {
            r.report(
                durationNode, "\(field).duration", "expected a rolling window from 1h to 90d (such as 28d or 4w), got '\(YAMLReader.clip(text))'")
            return nil
        }
        return .rolling(duration)
    }

    static func readObjective(_ node: Node, _ field: String, _ r: inout YAMLReader) -> (Decimal?, Decimal?) {
        guard
            let keys = r.mapping(
                node, field,
                allowed: [
                    "displayName", "op", "value", "target", "targetPercent", "timeSliceTarget", "timeSliceWindow", "indicator", "indicatorRef",
                    "compositeWeight",
                ])
        else { return (nil, nil) }
        for unsupported in ["op", "value", "indicator", "indicatorRef", "compositeWeight"] where keys[unsupported] != nil {
            r.report(
                keys[unsupported]?.key, "\(field).\(unsupported)", "not supported: thresholds and composite objectives are not evaluated by hms-ops")
        }
        var percent: Decimal?
        switch (keys["target"], keys["targetPercent"]) {
        case (let target?, nil):
            if let value = r.decimal(target.value, "\(field).target") { percent = value * 100 }
        case (nil, let targetPercent?):
            percent = r.decimal(targetPercent.value, "\(field).targetPercent")
        case (_?, _?):
            r.report(node, field, "give target or targetPercent, not both")
        case (nil, nil):
            r.report(node, field, "missing target or targetPercent")
        }
        if let value = percent, value <= 0 || value >= 100 {
            r.report(node, field, "the target must be above 0 % and below 100 %, got \(value) %")
            percent = nil
        }
        var sliceTarget: Decimal?
        if let (_, n) = keys["timeSliceTarget"], let value = r.decimal(n, "\(field).timeSliceTarget") {
            if value <= 0 || value > 1 {
                r.report(n, "\(field).timeSliceTarget", "expected a fraction above 0 and at most 1")
            } else {
                sliceTarget = value
            }
        }
        if let (_, n) = keys["timeSliceWindow"] {
            let text = n.scalar?.string ?? ""
            if !["1m", "1", "60s"].contains(text) {
                r.report(n, "\(field).timeSliceWindow", "hms-ops judges one-minute slices; give 1m, got '\(YAMLReader.clip(text))'")
            }
        }
        return (percent, sliceTarget)
    }

    static func readSLI(_ node: Node, _ field: String, _ r: inout YAMLReader) -> SLIDefinition? {
        guard let keys = r.mapping(node, field, allowed: ["description", "thresholdMetric", "ratioMetric"]) else { return nil }
        if let (key, _) = keys["thresholdMetric"] {
            r.report(
                key, "\(field).thresholdMetric",
                "not supported: use a ratioMetric (a latency SLI is a ratio of histogram buckets: good x_bucket{le=\"0.25\"}, total x_bucket{le=\"+Inf\"})"
            )
            return nil
        }
        guard let (_, ratioNode) = keys["ratioMetric"],
            let ratio = r.mapping(ratioNode, "\(field).ratioMetric", allowed: ["counter", "good", "bad", "total", "rawType", "raw"])
        else {
            if keys["ratioMetric"] == nil { r.report(node, "\(field).ratioMetric", "missing") }
            return nil
        }
        if let (key, _) = ratio["raw"] ?? ratio["rawType"] {
            r.report(
                key, "\(field).ratioMetric.raw", "not supported: precomputed ratios cannot be added up exactly; give good (or bad) and total counters"
            )
            return nil
        }
        if let (_, n) = ratio["counter"], r.bool(n, "\(field).ratioMetric.counter") == false {
            r.report(n, "\(field).ratioMetric.counter", "only counters are supported (counter: true)")
        }
        let good = ratio["good"].flatMap { query($0.value, "\(field).ratioMetric.good", &r) }
        let bad = ratio["bad"].flatMap { query($0.value, "\(field).ratioMetric.bad", &r) }
        let total = ratio["total"].flatMap { query($0.value, "\(field).ratioMetric.total", &r) }
        if (ratio["good"] == nil) == (ratio["bad"] == nil) {
            r.report(ratioNode, "\(field).ratioMetric", "give good or bad (one of them) with total")
        }
        if ratio["total"] == nil { r.report(ratioNode, "\(field).ratioMetric.total", "missing") }
        guard let total, good != nil || bad != nil else { return nil }
        return .ratio(good: good, bad: bad, total: total)
    }

    /// A Sloth `prometheus/v1` spec: `service`, and `slos[]` with `name`, `objective` and
    /// `sli.events` (`error_query`, `total_query`), each a selector inside `sum(rate(...[{{.window}}]))`.
    /// Sloth's windows are 30 days unless told otherwise; so are these.
    static func readSloth(_ node: Node, _ r: inout YAMLReader) -> [Imported] {
        guard let keys = r.mapping(node, "", allowed: ["version", "service", "labels", "slos"]) else { return [] }
        let service = keys["service"].flatMap { r.string($0.value, "service", maxLength: 63) }
        if keys["service"] == nil { r.report(node, "service", "missing; name the hms-ops service id these SLOs belong to") }
        guard let (_, list) = keys["slos"], let items = r.sequence(list, "slos", of: "SLOs") else {
            if keys["slos"] == nil { r.report(node, "slos", "missing") }
            return []
        }
        var out: [Imported] = []
        for (i, item) in items.enumerated() {
            let field = "slos[\(i)]"
            let before = r.issues.count
            guard let slo = r.mapping(item, field, allowed: ["name", "objective", "description", "labels", "sli", "alerting"]) else { continue }
            let name = slo["name"].flatMap { r.string($0.value, "\(field).name", maxLength: 63) }
            if let name, !ConfigLoader.isIdentifier(name) {
                r.report(slo["name"]?.value, "\(field).name", "'\(YAMLReader.clip(name))' cannot be an SLO id; use lowercase letters, digits and '-'")
            }
            let objective = slo["objective"].flatMap { r.decimal($0.value, "\(field).objective") }
            if let objective, objective <= 0 || objective >= 100 {
                r.report(slo["objective"]?.value, "\(field).objective", "expected a percentage between 0 and 100, both excluded, got \(objective)")
            }
            var sli: SLIDefinition?
            if let (_, sliNode) = slo["sli"], let kinds = r.mapping(sliNode, "\(field).sli", allowed: ["events", "raw", "plugin"]) {
                if let (key, _) = kinds["raw"] ?? kinds["plugin"] {
                    r.report(
                        key, "\(field).sli",
                        "only events SLIs are supported (error_query and total_query); raw ratios and plugins cannot be added up exactly")
                } else if let (_, events) = kinds["events"],
                    let queries = r.mapping(events, "\(field).sli.events", allowed: ["error_query", "total_query"])
                {
                    var selectors: [String: String] = [:]
                    for name in ["error_query", "total_query"] {
                        guard let (_, n) = queries[name], let text = r.string(n, "\(field).sli.events.\(name)") else {
                            if queries[name] == nil { r.report(events, "\(field).sli.events.\(name)", "missing") }
                            continue
                        }
                        if let selector = selector(in: text) {
                            selectors[name] = selector
                        } else {
                            r.report(
                                n, "\(field).sli.events.\(name)", "'\(YAMLReader.clip(text))' is not a selector inside sum(rate(...[{{.window}}]))")
                        }
                    }
                    if let bad = selectors["error_query"], let total = selectors["total_query"] { sli = .ratio(good: nil, bad: bad, total: total) }
                }
            } else if slo["sli"] == nil {
                r.report(item, "\(field).sli", "missing")
            }
            guard r.issues.count == before, let service, let name, let objective, let sli else { continue }
            out.append(Imported(service: service, slo: SLODefinition(id: name, objective: objective, sli: sli, method: .occurrences)))
        }
        return out
    }

    /// The selector a Prometheus metric source queries: a selector, or one inside `rate(...)` or
    /// `increase(...)`, optionally summed; anything else is refused.
    static func query(_ node: Node, _ field: String, _ r: inout YAMLReader) -> String? {
        guard let source = r.mapping(node, field, allowed: ["metricSource"])?["metricSource"],
            let keys = r.mapping(source.value, "\(field).metricSource", allowed: ["metricSourceRef", "type", "spec"])
        else { return nil }
        if let (_, n) = keys["type"], let type = r.string(n, "\(field).metricSource.type"), type.lowercased() != "prometheus" {
            r.report(n, "\(field).metricSource.type", "only Prometheus metric sources are read, got '\(YAMLReader.clip(type))'")
            return nil
        }
        guard let (_, specNode) = keys["spec"], let spec = r.mapping(specNode, "\(field).metricSource.spec", allowed: ["query"]),
            let (_, queryNode) = spec["query"], let text = r.string(queryNode, "\(field).metricSource.spec.query")
        else {
            if keys["spec"] == nil { r.report(source.value, "\(field).metricSource.spec", "missing; give spec.query") }
            return nil
        }
        guard let selector = selector(in: text) else {
            r.report(
                queryNode, "\(field).metricSource.spec.query",
                "'\(YAMLReader.clip(text))' is not a selector (optionally in sum(rate(...[w])) or increase); hms-ops adds up counter increases itself"
            )
            return nil
        }
        return selector
    }

    /// `x{a="b"}`, `rate(x{...}[5m])`, `sum(increase(x[1h]))`, `sum by (code) (rate(x[5m]))` → the selector.
    package static func selector(in query: String) -> String? {
        var text = query.trimmingCharacters(in: .whitespacesAndNewlines)
        if (try? Selector(parsing: text)) != nil { return text }
        // Peel `sum(`, `sum by (...) (`, `sum without (...) (` and their closing parentheses.
        while text.hasPrefix("sum") {
            var rest = text.dropFirst(3).drop { $0 == " " }
            if rest.hasPrefix("by") || rest.hasPrefix("without") {
                guard let close = rest.firstIndex(of: ")") else { return nil }
                rest = rest[rest.index(after: close)...].drop { $0 == " " }
            }
            guard rest.hasPrefix("("), rest.hasSuffix(")") else { return nil }
            text = String(rest.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
        }
        for function in ["rate(", "increase("] where text.hasPrefix(function) && text.hasSuffix(")") {
            let inner = text.dropFirst(function.count).dropLast()
            guard let open = inner.lastIndex(of: "["), inner.hasSuffix("]") else { return nil }
            let candidate = String(inner[..<open]).trimmingCharacters(in: .whitespaces)
            return (try? Selector(parsing: candidate)) != nil ? candidate : nil
        }
        return nil
    }
}
