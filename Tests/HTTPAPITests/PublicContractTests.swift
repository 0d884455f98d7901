import Foundation
import Testing
import Widgets

@testable import HTTPAPI

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The public answers are typed values (`PublicServiceList`, `PublicSLA`, `PublicError`), written
/// as JSON and XML from the same tree; their schemas must name exactly the fields the values
/// have, no more and no fewer, in both representations.
@Suite("Public contract")
struct PublicContractTests {
    static let header = PublicHeader(generatedAt: "2026-10-31T23:59:00Z", stale: true, ageSeconds: 42, starting: true)

    /// Every field set, every optional present.
    static let fullSLA = PublicSLA(
        header: header, service: .init(id: "crop-relief", name: "Crop-Relief Online", agency: "USDA"),
        period: .init(
            name: "30d",
            bounds: .init(
                start: "2026-10-01T00:00:00Z", end: "2026-10-31T00:00:00Z", startLocal: "2026-09-30T20:00:00-04:00",
                endLocal: "2026-10-30T20:00:00-04:00"),
            timeZone: "America/New_York"),
        status: .operational, uptimePercent: 99.87, latency: .init(p50: 120, p95: 240),
        targets: .init(uptimePercent: "99.9", latency: .init(percentile: 50, below: 250)),
        slos: [
            .init(
                id: "availability", objectivePercent: "99.9", attainmentPercent: 99.87, errorBudgetRemainingRatio: 0.4, burnRate1h: 1.2,
                window: .init(start: "2026-10-01T00:00:00Z", end: "2026-10-31T00:00:00Z"))
        ])

    static let fullList = PublicServiceList(
        header: header,
        services: [
            .init(
                id: "crop-relief", name: "Crop-Relief Online", agency: "USDA", timeZone: "America/New_York", status: .degraded,
                sla: "/public/v1/services/crop-relief/sla")
        ])

    /// Paths of every key in a tree (`a.b`, array items as `a[]` in JSON or by their XML names).
    static func paths(_ tree: Any, _ prefix: String, xml: Bool) -> Set<String> {
        var out: Set<String> = []
        if let object = tree as? [String: Any] {
            for (key, value) in object {
                let path = prefix.isEmpty ? key : prefix + "." + key
                out.insert(path)
                out.formUnion(paths(value, path, xml: xml))
            }
        } else if let list = tree as? [Any] {
            let name = prefix.split(separator: ".").last.map(String.init) ?? ""
            let item = xml ? prefix + "." + (PublicXML.itemNames[name] ?? "item") : prefix + "[]"
            if xml { out.insert(item) }
            for element in list { out.formUnion(paths(element, item, xml: xml)) }
        }
        return out
    }

    /// The properties a JSON Schema names, as paths.
    static func schemaPaths(_ schema: [String: Any], _ prefix: String) -> Set<String> {
        var out: Set<String> = []
        if let properties = schema["properties"] as? [String: Any] {
            for (key, value) in properties {
                let path = prefix.isEmpty ? key : prefix + "." + key
                out.insert(path)
                out.formUnion(schemaPaths(value as? [String: Any] ?? [:], path))
            }
        }
        if let items = schema["items"] as? [String: Any] { out.formUnion(schemaPaths(items, prefix + "[]")) }
        for branch in schema["oneOf"] as? [[String: Any]] ?? [] { out.formUnion(schemaPaths(branch, prefix)) }
        return out
    }

    /// The elements an XSD declares below its root, as paths.
    final class XSDPaths: NSObject, XMLParserDelegate {
        var stack: [String?] = []
        var paths: Set<String> = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
            if name == "xs:element", let element = attributes["name"] {
                let path = (stack.compactMap { $0 }.dropFirst() + [element]).joined(separator: ".")
                if !stack.compactMap({ $0 }).isEmpty { paths.insert(path) }
                stack.append(element)
            } else {
                stack.append(nil)
            }
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { stack.removeLast() }

        static func of(_ xsd: String) -> Set<String> {
            let parser = XMLParser(data: Data(xsd.utf8))
            let delegate = XSDPaths()
            parser.delegate = delegate
            #expect(parser.parse(), "the XSD parses")
            return delegate.paths
        }
    }

    static func jsonSchema(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test(arguments: ["sla", "services", "error"])
    func schemasNameExactlyTheFieldsOfTheValues(_ name: String) throws {
        let tree: Any
        switch name {
        case "sla": tree = try PublicTree.of(Self.fullSLA)
        case "services": tree = try PublicTree.of(Self.fullList)
        default: tree = ["error": try PublicTree.of(PublicError(status: 404, message: "no public service with that id"))]
        }
        let json = Self.paths(tree, "", xml: false)
        let schema = Self.schemaPaths(try Self.jsonSchema(try #require(PublicSchemas.all[name + ".json"])), "")
        #expect(json.subtracting(schema).isEmpty, "in the value, not in \(name).json: \(json.subtracting(schema).sorted())")
        #expect(schema.subtracting(json).isEmpty, "in \(name).json, not in the value: \(schema.subtracting(json).sorted())")
        // XML: the error's root element is the error itself.
        let xmlTree = name == "error" ? (tree as? [String: Any])?["error"] ?? tree : tree
        let xml = Self.paths(xmlTree, "", xml: true)
        let xsd = XSDPaths.of(try #require(PublicSchemas.all[name + ".xsd"]))
        #expect(xml.subtracting(xsd).isEmpty, "in the value, not in \(name).xsd: \(xml.subtracting(xsd).sorted())")
        #expect(xsd.subtracting(xml).isEmpty, "in \(name).xsd, not in the value: \(xsd.subtracting(xml).sorted())")
    }

    /// A value with nothing known still has every field the JSON Schema requires (as null).
    @Test func emptyValuesHaveEveryRequiredField() throws {
        var sla = Self.fullSLA
        sla.header = PublicHeader(generatedAt: nil, stale: false, ageSeconds: nil)
        sla.service.agency = nil
        sla.period.bounds = nil
        sla.uptimePercent = nil
        sla.latency = .init(p50: nil, p95: nil)
        sla.targets = .init(uptimePercent: nil, latency: nil)
        sla.slos = [
            .init(
                id: "a", objectivePercent: "99.9", attainmentPercent: .nan, errorBudgetRemainingRatio: -.infinity, burnRate1h: .infinity, window: nil)
        ]
        let tree = try #require(try PublicTree.of(sla) as? [String: Any])
        let schema = try Self.jsonSchema(PublicSchemas.all["sla.json"]!)
        for key in schema["required"] as? [String] ?? [] { #expect(tree[key] != nil, "\(key) is required") }
        #expect(tree["starting"] == nil && tree["uptime_percent"] is NSNull)
        let slo = try #require((tree["slos"] as? [Any])?.first as? [String: Any])
        #expect(slo["attainment_percent"] is NSNull && slo["burn_rate_1h"] is NSNull, "figures that are not finite are unknown")
        // The same tree as JSON and as XML: nulls are null in one and absent from the other.
        let text = String(decoding: PublicRoutes.encode(tree, root: "sla", xml: false), as: UTF8.self)
        #expect(text.contains("\"uptime_percent\":null"))
        let xml = String(decoding: PublicRoutes.encode(tree, root: "sla", xml: true), as: UTF8.self)
        #expect(!xml.contains("<uptime_percent>") && xml.contains("<status>operational</status>"))
        // A budget that is not finite is spent: -1, an integer, in both representations.
        #expect(text.contains("\"error_budget_remaining_ratio\":-1,"))
        #expect(xml.contains("<error_budget_remaining_ratio>-1</error_budget_remaining_ratio>"))
    }
}
