import Foundation

extension PublicRoutes {
    /// The rendered answer for a GET of `target` (path and query, as sent) and its route's
    /// name, when the fast path may send it. Called for every request, so it reads bytes and
    /// allocates only for a likely hit.
    func fastAnswer(target: String, accept: String?) -> (route: String, answer: Rendered)? {
        let target = target.utf8
        guard target.starts(with: Self.listPath.utf8) else { return nil }
        let query = target.firstIndex(of: UInt8(ascii: "?"))
        var period: String?
        if let query {
            // Only `period=P` with a plain value; anything else is the router's to read.
            let value = target[target.index(after: query)...]
            guard value.starts(with: "period=".utf8), value.count <= 16 else { return nil }
            let text = value.dropFirst("period=".count)
            guard !text.isEmpty, text.allSatisfy({ Self.plain($0) }) else { return nil }
            period = String(Substring(text))
        }
        var path = target[..<(query ?? target.endIndex)]
        let suffix = path.elementsEqual(Self.listPath.utf8) ? false : path.reversed().starts(with: ".xml".utf8.reversed())
        if suffix { path = path.dropLast(4) }
        let xml = Self.wantsXML(accept: accept, suffix: suffix)
        let rest = path.dropFirst(Self.listPath.utf8.count)
        if rest.isEmpty {
            guard period == nil else { return nil }
            return hit(Self.key(service: nil, period: nil, xml: xml)).map { ("/public/v1/services", $0) }
        }
        // "/{id}/sla", the id plain
        guard rest.first == UInt8(ascii: "/"), rest.reversed().starts(with: "/sla".utf8.reversed()) else { return nil }
        let id = rest.dropFirst().dropLast(4)
        guard !id.isEmpty, id.count <= 128, id.allSatisfy({ Self.plain($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }) else {
            return nil
        }
        return hit(Self.key(service: String(Substring(id)), period: period, xml: xml)).map { ("/public/v1/services/{id}/sla", $0) }
    }

    static let listPath = "/public/v1/services"

    /// Letters, digits and `-`: what periods and most ids are made of.
    static func plain(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
    }
}
