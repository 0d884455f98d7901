import Foundation

/// An `Encodable` value as a tree of plain values (`[String: Any]`, `[Any]`, `String`, `Bool`,
/// `Int`, `Double`, `Decimal`, `NSNull` for nil), from which the public answers are written as
/// JSON and as XML: one value, two representations, so they cannot say different things.
enum PublicTree {
    static func of(_ value: some Encodable) throws -> Any {
        let root = Node()
        try value.encode(to: TreeEncoder(node: root))
        return root.value
    }

    /// One place in the tree, filled as the value encodes itself.
    final class Node {
        enum Content {
            case empty
            case leaf(Any)
            case object([String: Node])
            case list([Node])
        }
        var content = Content.empty

        var value: Any {
            switch content {
            case .empty: return NSNull()
            case .leaf(let value): return value
            case .object(let fields): return fields.mapValues(\.value)
            case .list(let items): return items.map(\.value)
            }
        }

        func field(_ key: String) -> Node {
            var fields: [String: Node] = [:]
            if case .object(let existing) = content { fields = existing }
            let node = Node()
            fields[key] = node
            content = .object(fields)
            return node
        }

        func appended() -> Node {
            var items: [Node] = []
            if case .list(let existing) = content { items = existing }
            let node = Node()
            items.append(node)
            content = .list(items)
            return node
        }

        func makeObject() { if case .object = content {} else { content = .object([:]) } }
        func makeList() { if case .list = content {} else { content = .list([]) } }
    }

    struct TreeEncoder: Encoder {
        let node: Node
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            node.makeObject()
            return KeyedEncodingContainer(Keyed<Key>(node: node, codingPath: codingPath))
        }
        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            node.makeList()
            return Unkeyed(node: node, codingPath: codingPath)
        }
        func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node, codingPath: codingPath) }
    }

    /// Stores `value` at `node`: plain values as they are (a `Decimal` too, which would otherwise
    /// encode its parts), anything else by encoding itself there.
    static func put(_ value: some Encodable, at node: Node, codingPath: [any CodingKey]) throws {
        switch value {
        case let plain as String: node.content = .leaf(plain)
        case let plain as Bool: node.content = .leaf(plain)
        case let plain as Int: node.content = .leaf(plain)
        case let plain as Int64: node.content = .leaf(plain)
        case let plain as Double: node.content = .leaf(plain)
        case let plain as Decimal: node.content = .leaf(plain)
        default: try value.encode(to: TreeEncoder(node: node, codingPath: codingPath))
        }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        var codingPath: [any CodingKey]
        mutating func encodeNil(forKey key: Key) throws { node.field(key.stringValue).content = .leaf(NSNull()) }
        mutating func encode(_ value: some Encodable, forKey key: Key) throws {
            try PublicTree.put(value, at: node.field(key.stringValue), codingPath: codingPath + [key])
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let child = node.field(key.stringValue)
            child.makeObject()
            return KeyedEncodingContainer(Keyed<NestedKey>(node: child, codingPath: codingPath + [key]))
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = node.field(key.stringValue)
            child.makeList()
            return Unkeyed(node: child, codingPath: codingPath + [key])
        }
        mutating func superEncoder() -> any Encoder { TreeEncoder(node: node, codingPath: codingPath) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { TreeEncoder(node: node.field(key.stringValue), codingPath: codingPath + [key]) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey]
        var count: Int {
            if case .list(let items) = node.content { return items.count }
            return 0
        }
        mutating func encodeNil() throws { node.appended().content = .leaf(NSNull()) }
        mutating func encode(_ value: some Encodable) throws { try PublicTree.put(value, at: node.appended(), codingPath: codingPath) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let child = node.appended()
            child.makeObject()
            return KeyedEncodingContainer(Keyed<NestedKey>(node: child, codingPath: codingPath))
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let child = node.appended()
            child.makeList()
            return Unkeyed(node: child, codingPath: codingPath)
        }
        mutating func superEncoder() -> any Encoder { TreeEncoder(node: node.appended(), codingPath: codingPath) }
    }

    struct Single: SingleValueEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey]
        mutating func encodeNil() throws { node.content = .leaf(NSNull()) }
        mutating func encode(_ value: some Encodable) throws { try PublicTree.put(value, at: node, codingPath: codingPath) }
    }
}
