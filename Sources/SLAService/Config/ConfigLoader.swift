import Core
import CostModel
import Foundation
import Yams

/// Reads and validates `hms-ops.yaml`, reporting every problem with file, line, column and field.
public enum ConfigLoader {
    /// Files larger than this are refused before parsing.
    public static let maximumFileBytes = 4 << 20

    /// Loads the file at `path`; relative paths inside it resolve against its folder.
    public static func load(path: String) throws(ConfigErrors) -> HMSConfig {
        let text = try readText(path, what: "an hms-ops.yaml (see examples/hms-ops.yaml)")
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(text, file: path, baseDirectory: base)
    }

    /// A configuration file's text (`hms-ops.yaml`, a rate card, an OpenSLO file), or why it
    /// cannot be had: missing (`what` says what to give), unreadable, too large, not UTF-8.
    public static func readText(_ path: String, what: String) throws(ConfigErrors) -> String {
        func refuse(_ message: String) -> ConfigErrors {
            ConfigErrors([ConfigIssue(file: path, line: 0, column: 0, field: "", message: message)])
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw refuse("no such file; give the path to \(what)")
        }
        guard !isDirectory.boolValue else { throw refuse("is a folder; give the path to \(what)") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw refuse("cannot be read; check its permissions") }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maximumFileBytes + 1)) ?? Data()
        guard data.count <= maximumFileBytes else {
            throw refuse("is larger than \(maximumFileBytes >> 20) MB; a configuration file should be far smaller")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw refuse("is not UTF-8 text; save it as UTF-8") }
        return text
    }

    /// Parses configuration text; `file` names it in messages, `baseDirectory` anchors relative paths.
    public static func parse(_ text: String, file: String, baseDirectory: String) throws(ConfigErrors) -> HMSConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigErrors([syntaxIssue(error, file: file)])
        }
        var reader = YAMLReader(file: file)
        guard let root else {
            reader.report(nil, "", "the file is empty; it needs at least a 'services' list (see examples/hms-ops.yaml)")
            throw ConfigErrors(reader.issues)
        }
        let config = readRoot(root, &reader, baseDirectory: baseDirectory)
        guard reader.issues.isEmpty, let config else { throw ConfigErrors(reader.issues) }
        return config
    }

    static func syntaxIssue(_ error: any Error, file: String) -> ConfigIssue {
        func issue(_ mark: Mark?, _ text: String) -> ConfigIssue {
            ConfigIssue(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, field: "", message: "YAML syntax: \(text)")
        }
        switch error as? YamlError {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text), " } ?? ""
            return issue(mark, prefix + problem)
        case .reader(let problem, _, _, _):
            return issue(nil, problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return issue(context.mark, "key '\(duplicates.joined(separator: "', '"))' appears more than once; keep one")
        default:
            return issue(nil, "the file could not be read as YAML")
        }
    }

    static let rootKeys = [
        "database_url", "data_dir", "listen", "scrape_interval", "scrape_timeout", "admin_token",
        "admin_token_file", "rate_cards_dir", "retention", "limits", "services", "slo_files",
    ]

    static let limitKeys = [
        "label_name_bytes", "label_value_bytes", "labels_per_series", "new_series_per_request", "new_series_per_minute", "header_timeout",
        "idle_timeout", "body_timeout", "push_samples",
    ]

    static func readLimits(_ node: Node, _ r: inout YAMLReader) -> HMSConfig.Limits {
        var limits = HMSConfig.Limits()
        guard let keys = r.mapping(node, "limits", allowed: limitKeys) else { return limits }
        func number(_ key: String, _ range: ClosedRange<Int>) -> Int? { keys[key].flatMap { r.integer($0.value, "limits.\(key)", in: range) } }
        func seconds(_ key: String) -> ConfigDuration? {
            guard let (_, value) = keys[key], let d = r.duration(value, "limits.\(key)") else { return nil }
            guard d >= .seconds(1), d <= .hours(1) else {
                r.report(value, "limits.\(key)", "expected between 1s and 1h, got \(d)")
                return nil
            }
            return d
        }
        if let n = number("label_name_bytes", 16...4096) { limits.series.maximumNameBytes = n }
        if let n = number("label_value_bytes", 64...65536) { limits.series.maximumValueBytes = n }
        if let n = number("labels_per_series", 1...1000) { limits.series.maximumLabels = n }
        if let n = number("new_series_per_request", 1...10_000_000) { limits.newSeriesPerRequest = n }
        if let n = number("new_series_per_minute", 1...100_000_000) { limits.newSeriesPerMinute = n }
        if let d = seconds("header_timeout") { limits.headerTimeout = d }
        if let d = seconds("idle_timeout") { limits.idleTimeout = d }
        if let d = seconds("body_timeout") { limits.bodyTimeout = d }
        if let n = number("push_samples", 1000...100_000_000) { limits.pushSamples = n }
        return limits
    }

    static func readRoot(_ root: Node, _ r: inout YAMLReader, baseDirectory: String) -> HMSConfig? {
        guard let keys = r.mapping(root, "", allowed: rootKeys) else { return nil }
        var config = HMSConfig()
        config.rateCardsDirectory = resolve("rate-cards", against: baseDirectory)
        if let (_, node) = keys["database_url"], let url = r.string(node, "database_url") {
            if DatabaseURL(url) == nil {
                r.report(node, "database_url", "expected a URL like postgres://user:password@host:5432/dbname")
            } else {
                config.databaseURL = url
            }
        }
        if let (_, node) = keys["data_dir"], let dir = r.string(node, "data_dir") {
            config.dataDirectory = resolve(dir, against: baseDirectory)
        }
        if let (_, node) = keys["listen"], let listen = r.mapping(node, "listen", allowed: ["host", "port"]) {
            if let (_, h) = listen["host"], let host = r.string(h, "listen.host", maxLength: 255) { config.listen.host = host }
            if let (_, p) = listen["port"], let port = r.integer(p, "listen.port", in: 1...65535) { config.listen.port = port }
        }
        if let (_, node) = keys["scrape_interval"], let d = r.duration(node, "scrape_interval") {
            if d < .seconds(1) || d > .hours(1) {
                r.report(node, "scrape_interval", "expected between 1s and 1h, got \(d)")
            } else {
                config.scrapeInterval = d
            }
        }
        if let (_, node) = keys["scrape_timeout"], let d = r.duration(node, "scrape_timeout") {
            if d > config.scrapeInterval || d < .init(milliseconds: 100) {
                r.report(node, "scrape_timeout", "expected between 100ms and scrape_interval (\(config.scrapeInterval)), got \(d)")
            } else {
                config.scrapeTimeout = d
            }
        }
        readAdminToken(keys, &r, &config, baseDirectory: baseDirectory)
        if let (_, node) = keys["retention"], let levels = r.mapping(node, "retention", allowed: ["minute", "hour", "day"]) {
            let minimum: [String: ConfigDuration] = ["minute": .days(1), "hour": .days(35), "day": .days(95)]
            for (name, (_, value)) in levels {
                guard let d = r.duration(value, "retention.\(name)") else { continue }
                guard let least = minimum[name], d >= least else {
                    r.report(
                        value, "retention.\(name)",
                        "expected at least \(minimum[name] ?? .days(1)) so the SLO windows still have their data, got \(d)")
                    continue
                }
                switch name {
                case "minute": config.retention.minute = d
                case "hour": config.retention.hour = d
                default: config.retention.day = d
                }
            }
        }
        if let (_, node) = keys["limits"] { config.limits = readLimits(node, &r) }
        if let (_, node) = keys["rate_cards_dir"], let dir = r.string(node, "rate_cards_dir") {
            config.rateCardsDirectory = resolve(dir, against: baseDirectory)
        }
        if let (_, node) = keys["services"], let items = r.sequence(node, "services", of: "services") {
            var seen: [String: Int] = [:]
            for (i, item) in items.enumerated() {
                guard let service = readService(item, "services[\(i)]", &r, rateCards: config.rateCardsDirectory, cards: &config.rateCards) else {
                    continue
                }
                if let first = seen[service.id] {
                    r.report(
                        item.mapping?["id"] ?? item, "services[\(i)].id",
                        "duplicate service id '\(service.id)'; it is already used by services[\(first)]. Ids must be unique")
                    continue
                }
                seen[service.id] = i
                config.services.append(service)
            }
        } else if keys["services"] == nil {
            r.report(root, "services", "missing; list at least one service (see examples/hms-ops.yaml)")
        }
        if let (_, node) = keys["slo_files"], let items = r.sequence(node, "slo_files", of: "OpenSLO files") {
            for (i, item) in items.enumerated() {
                guard let file = r.string(item, "slo_files[\(i)]") else { continue }
                readSLOFile(resolve(file, against: baseDirectory), item, "slo_files[\(i)]", &r, into: &config)
            }
        }
        return config
    }

    /// Adds the SLOs of an OpenSLO file to the services they name; its own problems keep its lines.
    static func readSLOFile(_ path: String, _ node: Node, _ field: String, _ r: inout YAMLReader, into config: inout HMSConfig) {
        let imported: [OpenSLOReader.Imported]
        do {
            imported = try OpenSLOReader.load(path: path)
        } catch {
            r.include(error.issues)
            return
        }
        for entry in imported {
            guard let index = config.services.firstIndex(where: { $0.id == entry.service }) else {
                r.report(
                    node, field,
                    "SLO '\(entry.slo.id)' in \(path) is for service '\(YAMLReader.clip(entry.service))', which this file does not define")
                continue
            }
            if var zone = entry.timeZone, zone.message != config.services[index].timeZone {
                zone.message =
                    "calendar windows follow the service's time_zone (\(config.services[index].timeZone)), not \(YAMLReader.clip(zone.message)); "
                    + "make them agree or leave timeZone out"
                r.include([zone])
                continue
            }
            if config.services[index].slos.contains(where: { $0.id == entry.slo.id }) {
                r.report(
                    node, field, "SLO '\(entry.slo.id)' in \(path) is already defined for service '\(entry.service)'; ids must be unique per service")
                continue
            }
            config.services[index].slos.append(entry.slo)
        }
    }

    static func readAdminToken(_ keys: [String: (key: Node, value: Node)], _ r: inout YAMLReader, _ config: inout HMSConfig, baseDirectory: String) {
        if keys["admin_token"] != nil, let (k, _) = keys["admin_token_file"] {
            r.report(k, "admin_token_file", "give either admin_token or admin_token_file, not both")
            return
        }
        if let (_, node) = keys["admin_token"], let token = r.string(node, "admin_token", maxLength: 512) {
            if token.count < 16 {
                r.report(node, "admin_token", "is too short to be safe; use at least 16 random characters")
            } else {
                config.adminToken = token
            }
        }
        if let (_, node) = keys["admin_token_file"], let file = r.string(node, "admin_token_file") {
            let path = resolve(file, against: baseDirectory)
            guard let data = FileManager.default.contents(atPath: path), data.count <= 4096,
                let token = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
                token.count >= 16
            else {
                r.report(node, "admin_token_file", "cannot read a token of at least 16 characters from \(path)")
                return
            }
            config.adminToken = token
        }
    }

    static let serviceKeys = ["id", "name", "agency", "public", "rate_card", "time_zone", "targets", "honor_labels", "probes", "slos", "cost"]
    static let costKeys = ["cpu", "memory", "requests", "storage", "egress", "public", "monthly_budget", "baseline_replicas"]

    static func readService(
        _ node: Node, _ field: String, _ r: inout YAMLReader, rateCards: String, cards: inout [String: RateCard]
    ) -> ServiceDefinition? {
        guard let keys = r.mapping(node, field, allowed: serviceKeys) else { return nil }
        let before = r.issues.count
        guard let (_, idNode) = keys["id"] else {
            r.report(node, "\(field).id", "missing; every service needs an id such as crop-relief")
            return nil
        }
        guard let id = r.string(idNode, "\(field).id", maxLength: 63) else { return nil }
        if !isIdentifier(id) {
            r.report(
                idNode, "\(field).id",
                "'\(YAMLReader.clip(id))' is not a valid id; use lowercase letters, digits and '-', starting with a letter or digit (it appears in public URLs)"
            )
        }
        var service = ServiceDefinition(id: id, name: id)
        if let (_, n) = keys["name"], let name = r.string(n, "\(field).name", maxLength: 200) { service.name = name }
        if let (_, n) = keys["agency"], let agency = r.string(n, "\(field).agency", maxLength: 200) { service.agency = agency }
        if let (_, n) = keys["public"], let value = r.bool(n, "\(field).public") { service.isPublic = value }
        if let (_, n) = keys["honor_labels"], let value = r.bool(n, "\(field).honor_labels") { service.honorLabels = value }
        if let (_, n) = keys["time_zone"], let zone = r.timeZone(n, "\(field).time_zone") { service.timeZone = zone.identifier }
        if let (_, n) = keys["rate_card"], let card = r.string(n, "\(field).rate_card", maxLength: 100) {
            if cards[card] != nil {
                service.rateCard = card
            } else {
                switch readRateCard(card, directory: rateCards) {
                case .success(let loaded):
                    cards[card] = loaded
                    service.rateCard = card
                case .failure(.here(let problem)): r.report(n, "\(field).rate_card", problem)
                case .failure(.inTheCard(let issues)):
                    r.report(
                        n, "\(field).rate_card",
                        "rate card '\(card)' has \(issues.count) problem\(issues.count == 1 ? "" : "s"), listed with its file")
                    r.include(issues)
                }
            }
        }
        if let (_, n) = keys["cost"] { service.cost = readCost(n, "\(field).cost", &r) }
        if let (_, n) = keys["targets"], let items = r.sequence(n, "\(field).targets", of: "URLs") {
            for (i, item) in items.enumerated() {
                if let url = r.string(item, "\(field).targets[\(i)]") {
                    if httpURLProblem(url) == nil {
                        service.targets.append(url)
                    } else {
                        r.report(
                            item, "\(field).targets[\(i)]",
                            "expected an http:// or https:// URL with a host, such as http://127.0.0.1:8000/metrics, got '\(YAMLReader.clip(url))'")
                    }
                }
            }
        }
        if let (_, n) = keys["probes"], let items = r.sequence(n, "\(field).probes", of: "probes") {
            for (i, item) in items.enumerated() {
                if let probe = readProbe(item, "\(field).probes[\(i)]", &r) { service.probes.append(probe) }
            }
        }
        if let (_, n) = keys["slos"], let items = r.sequence(n, "\(field).slos", of: "SLOs") {
            var seen: [String: Int] = [:]
            for (i, item) in items.enumerated() {
                guard let slo = readSLO(item, "\(field).slos[\(i)]", &r) else { continue }
                if let first = seen[slo.id] {
                    r.report(
                        item.mapping?["id"] ?? item, "\(field).slos[\(i)].id",
                        "duplicate SLO id '\(slo.id)' in this service; it is already used by slos[\(first)]")
                    continue
                }
                seen[slo.id] = i
                service.slos.append(slo)
            }
        }
        return r.issues.count == before ? service : nil
    }

    static func readProbe(_ node: Node, _ field: String, _ r: inout YAMLReader) -> ProbeDefinition? {
        guard let keys = r.mapping(node, field, allowed: ["url", "interval", "timeout", "expect_status", "body_contains"]) else { return nil }
        guard let (_, urlNode) = keys["url"] else {
            r.report(node, "\(field).url", "missing; a probe needs the URL to check")
            return nil
        }
        guard let url = r.string(urlNode, "\(field).url") else { return nil }
        if httpURLProblem(url) != nil {
            r.report(urlNode, "\(field).url", "expected an http:// or https:// URL with a host, got '\(YAMLReader.clip(url))'")
            return nil
        }
        var probe = ProbeDefinition(url: url)
        if let (_, n) = keys["interval"], let d = r.duration(n, "\(field).interval") {
            if d < .seconds(1) || d > .hours(24) {
                r.report(n, "\(field).interval", "expected between 1s and 24h, got \(d)")
            } else {
                probe.interval = d
            }
        }
        if let (_, n) = keys["timeout"], let d = r.duration(n, "\(field).timeout") {
            if d > probe.interval || d < .init(milliseconds: 100) {
                r.report(n, "\(field).timeout", "expected between 100ms and the probe's interval (\(probe.interval)), got \(d)")
            } else {
                probe.timeout = d
            }
        }
        if let (_, n) = keys["expect_status"], let items = r.sequence(n, "\(field).expect_status", of: "HTTP status codes") {
            probe.expectStatus = items.enumerated().compactMap { i, item in r.integer(item, "\(field).expect_status[\(i)]", in: 100...599) }
        }
        if let (_, n) = keys["body_contains"], let text = r.string(n, "\(field).body_contains", maxLength: 1024) { probe.bodyContains = text }
        return probe
    }

    static func readSLO(_ node: Node, _ field: String, _ r: inout YAMLReader) -> SLODefinition? {
        guard
            let keys = r.mapping(
                node, field, allowed: ["id", "objective", "window", "calendar", "sli", "budgeting_method", "slice_target", "no_data"])
        else { return nil }
        let before = r.issues.count
        var id: String?
        if let (_, n) = keys["id"], let value = r.string(n, "\(field).id", maxLength: 63) {
            if isIdentifier(value) {
                id = value
            } else {
                r.report(n, "\(field).id", "'\(YAMLReader.clip(value))' is not a valid id; use lowercase letters, digits and '-'")
            }
        } else if keys["id"] == nil {
            r.report(node, "\(field).id", "missing; every SLO needs an id such as availability")
        }
        var objective: Decimal?
        if let (_, n) = keys["objective"], let value = r.decimal(n, "\(field).objective") {
            if value <= 0 || value >= 100 {
                r.report(n, "\(field).objective", "expected a percentage between 0 and 100, both excluded (such as 99.9), got \(value)")
            } else {
                objective = value
            }
        } else if keys["objective"] == nil {
            r.report(node, "\(field).objective", "missing; give the target percentage, such as 99.9")
        }
        var window = SLOWindow.rolling(.days(30))
        if let (k, _) = keys["calendar"], keys["window"] != nil {
            r.report(k, "\(field).calendar", "give either window (rolling) or calendar, not both")
        } else if let (_, n) = keys["window"], let d = r.duration(n, "\(field).window") {
            if d < .hours(1) || d > .days(90) {
                r.report(n, "\(field).window", "expected a rolling window from 1h to 90d, got \(d)")
            } else {
                window = .rolling(d)
            }
        } else if let (_, n) = keys["calendar"], let text = r.string(n, "\(field).calendar") {
            if let unit = SLOWindow.CalendarUnit(rawValue: text) {
                window = .calendar(unit)
            } else {
                r.report(n, "\(field).calendar", "expected week, month or quarter, got '\(YAMLReader.clip(text))'")
            }
        }
        var sli: SLIDefinition?
        if let (_, n) = keys["sli"] {
            sli = readSLI(n, "\(field).sli", &r)
        } else {
            r.report(node, "\(field).sli", "missing; say how good events are counted (ratio, latency or probe)")
        }
        var method: BudgetingMethod?
        if let (_, n) = keys["budgeting_method"], let text = r.string(n, "\(field).budgeting_method") {
            method = BudgetingMethod(rawValue: text)
            if method == nil {
                let names = BudgetingMethod.allCases.map(\.rawValue)
                let guess = YAMLReader.closest(to: text, in: names).map { "; did you mean '\($0)'?" } ?? ""
                r.report(
                    n, "\(field).budgeting_method",
                    "expected \(names.joined(separator: ", ")) (OpenSLO's names), got '\(YAMLReader.clip(text))'\(guess)")
            }
        }
        var sliceTarget: Decimal?
        if let (_, n) = keys["slice_target"], let value = r.decimal(n, "\(field).slice_target") {
            if value <= 0 || value > 1 {
                r.report(n, "\(field).slice_target", "expected a fraction above 0 and at most 1 (such as 0.9), got \(value)")
            } else if method != nil && method != .timeslices {
                r.report(n, "\(field).slice_target", "only a Timeslices SLO has a slice target; this one is \(method!.rawValue)")
            } else {
                sliceTarget = value
            }
        }
        var noData = Objective.NoData.ignore
        if let (_, n) = keys["no_data"], let text = r.string(n, "\(field).no_data") {
            if let value = Objective.NoData(rawValue: text) {
                noData = value
            } else {
                r.report(n, "\(field).no_data", "expected ignore, good or bad, got '\(YAMLReader.clip(text))'")
            }
        }
        guard r.issues.count == before, let id, let objective, let sli else { return nil }
        var slo = SLODefinition(id: id, objective: objective, window: window, sli: sli, method: method, sliceTarget: sliceTarget)
        slo.noData = noData
        if noData != .ignore, slo.objectiveValue.method == .occurrences, let (_, n) = keys["no_data"] {
            r.report(n, "\(field).no_data", "only time slices have minutes without data to count; an Occurrences SLO counts events")
            return nil
        }
        return slo
    }

    static func readSLI(_ node: Node, _ field: String, _ r: inout YAMLReader) -> SLIDefinition? {
        guard let keys = r.mapping(node, field, allowed: ["ratio", "latency", "probe"]) else { return nil }
        guard keys.count == 1, let (name, (_, value)) = keys.first else {
            r.report(node, field, "expected exactly one of ratio, latency or probe")
            return nil
        }
        let inner = "\(field).\(name)"
        switch name {
        case "ratio":
            guard let k = r.mapping(value, inner, allowed: ["good", "bad", "total"]) else { return nil }
            let good = k["good"].flatMap { r.string($0.value, "\(inner).good") }
            let bad = k["bad"].flatMap { r.string($0.value, "\(inner).bad") }
            let total = k["total"].flatMap { r.string($0.value, "\(inner).total") }
            if (k["good"] == nil) == (k["bad"] == nil) {
                r.report(value, inner, "give exactly one of good or bad, and total")
                return nil
            }
            guard let total else {
                if k["total"] == nil { r.report(value, "\(inner).total", "missing; give the selection of all events, such as claims_total") }
                return nil
            }
            guard good != nil || bad != nil else { return nil }
            return .ratio(good: good, bad: bad, total: total)
        case "latency":
            guard let k = r.mapping(value, inner, allowed: ["histogram", "percentile", "below"]) else { return nil }
            var percentile: Decimal?
            if let (_, n) = k["percentile"], let p = r.decimal(n, "\(inner).percentile") {
                if p <= 0 || p >= 100 {
                    r.report(n, "\(inner).percentile", "expected a percentile between 0 and 100, both excluded, got \(p)")
                    return nil
                }
                percentile = p
            }
            let histogram = k["histogram"].flatMap { r.string($0.value, "\(inner).histogram") }
            let below = k["below"].flatMap { r.number($0.value, "\(inner).below") }
            if k["histogram"] == nil { r.report(value, "\(inner).histogram", "missing; name the latency histogram, such as latency_ms") }
            if k["below"] == nil { r.report(value, "\(inner).below", "missing; give the bound in the histogram's unit, such as 250") }
            if let b = below, b <= 0 || b > 1e12 {
                r.report(k["below"]?.value, "\(inner).below", "expected a positive bound of at most 1e12, got \(b)")
            }
            guard let histogram, let below, below > 0, below <= 1e12 else { return nil }
            return .latency(histogram: histogram, percentile: percentile, below: below)
        default:
            _ = r.mapping(value, inner, allowed: [])
            return .probe
        }
    }

    static func isIdentifier(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, bytes.count <= 63 else { return false }
        func ok(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 48 && b <= 57) }
        return ok(first) && bytes.allSatisfy { ok($0) || $0 == UInt8(ascii: "-") }
    }

    static func httpURLProblem(_ text: String) -> String? {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else { return "not an http(s) URL" }
        return nil
    }

    /// Why a service's rate card cannot be used: its name (said at the service), or what is
    /// wrong inside the card (said at the card's own lines).
    enum RateCardProblem: Error {
        case here(String)
        case inTheCard([ConfigIssue])
    }

    /// The card a service names: `<directory>/<name>.yaml` (or `.yml`), read whole.
    static func readRateCard(_ name: String, directory: String) -> Result<RateCard, RateCardProblem> {
        guard
            name.utf8.allSatisfy({ b in
                (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
                    || b == UInt8(ascii: ".")
            }), !name.hasPrefix(".")
        else {
            return .failure(
                .here("'\(YAMLReader.clip(name))' is not a rate card name; use letters, digits, '-', '_' or '.' (a file in \(directory))"))
        }
        let candidates = ["\(directory)/\(name).yaml", "\(directory)/\(name).yml"]
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            return .failure(.here("rate card '\(name)' not found: expected \(candidates[0]); set rate_cards_dir or add the file"))
        }
        do {
            let card = try RateCardReader.load(path: path)
            guard card.id == name else {
                return .failure(.here("the card in \(path) has id '\(card.id)'; a card's id is its file's name, so make it '\(name)'"))
            }
            return .success(card)
        } catch {
            return .failure(.inTheCard(error.issues))
        }
    }

    /// A service's `cost:` block; what it does not say keeps its default.
    static func readCost(_ node: Node, _ field: String, _ r: inout YAMLReader) -> CostDefinition {
        var cost = CostDefinition()
        guard let keys = r.mapping(node, field, allowed: costKeys) else { return cost }
        func selector(_ key: String) -> Selector? {
            guard let (_, n) = keys[key], let text = r.string(n, "\(field).\(key)", maxLength: 4096) else { return nil }
            do {
                return try Selector(parsing: text)
            } catch {
                r.report(
                    n, "\(field).\(key)",
                    "'\(YAMLReader.clip(text))' is not a selector (\(error)); write it as PromQL does, such as container_cpu_usage_seconds_total{container!=\"\"}"
                )
                return nil
            }
        }
        if let cpu = selector("cpu") { cost.cpu = cpu }
        if let memory = selector("memory") { cost.memory = memory }
        cost.requests = selector("requests")
        cost.storage = selector("storage")
        cost.egress = selector("egress")
        if let (_, n) = keys["public"], let value = r.bool(n, "\(field).public") { cost.isPublic = value }
        if let (_, n) = keys["baseline_replicas"], let value = r.integer(n, "\(field).baseline_replicas", in: 0...100_000) {
            cost.baselineReplicas = value
        }
        if let (_, n) = keys["monthly_budget"], let text = r.string(n, "\(field).monthly_budget", maxLength: 64) {
            if let value = ExactDecimal.parse(text), value >= 0 {
                cost.monthlyBudget = value
            } else {
                r.report(
                    n, "\(field).monthly_budget",
                    "expected an amount as a plain decimal such as \"5000.00\" (not negative), got '\(YAMLReader.clip(text))'")
            }
        }
        return cost
    }

    package static func resolve(_ path: String, against base: String) -> String {
        if path.hasPrefix("/") { return path }
        if base.isEmpty || base == "." { return path }
        return (base as NSString).appendingPathComponent(path)
    }
}
