import CallModel
import Yams

/// A typed, path-aware reader over one YAML mapping. Every accessor records the key as known, so
/// ``unknownKeyErrors()`` can report misspelt keys instead of silently ignoring them, and every
/// error names the full dotted key and what was expected.
final class ConfigNode {
    let path: String
    private let mapping: Node.Mapping?
    private var known: Set<String> = []
    private var children: [ConfigNode] = []
    private(set) var errors: [ConfigurationError] = []

    init(_ node: Node?, path: String) {
        self.path = path
        self.mapping = node?.mapping
        if let node, node.mapping == nil, !Self.isNull(node) {
            errors.append(ConfigurationError(key: path, reason: "expected a mapping of keys"))
        }
    }

    private static func isNull(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node { return scalar.string.isEmpty || scalar.string == "null" || scalar.string == "~" }
        return false
    }

    /// Whether this node was written in the file (a section that is absent or `null` is not).
    var isPresent: Bool { mapping != nil }

    private func key(_ name: String) -> String { path.isEmpty ? name : name.isEmpty ? path : path + "." + name }

    private func raw(_ name: String) -> Node? {
        known.insert(name)
        guard let value = mapping?[Node(name)], !Self.isNull(value) else { return nil }
        return value
    }

    func fail(_ name: String, _ reason: String) {
        errors.append(ConfigurationError(key: key(name), reason: reason))
    }

    func section(_ name: String) -> ConfigNode {
        let child = ConfigNode(raw(name), path: key(name))
        children.append(child)
        return child
    }

    func string(_ name: String, default value: String) -> String { string(name) ?? value }

    func string(_ name: String) -> String? {
        guard let node = raw(name) else { return nil }
        guard let scalar = node.scalar else {
            fail(name, "expected a single value")
            return nil
        }
        return scalar.string
    }

    func int(_ name: String, default value: Int, range: ClosedRange<Int>) -> Int {
        guard let text = string(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            fail(name, "\"\(text)\" is not a whole number in \(range.lowerBound)...\(range.upperBound)")
            return value
        }
        return number
    }

    func double(_ name: String, default value: Double, range: ClosedRange<Double>) -> Double {
        guard let text = string(name) else { return value }
        guard let number = Double(text), range.contains(number) else {
            fail(name, "\"\(text)\" is not a number in \(range.lowerBound)...\(range.upperBound)")
            return value
        }
        return number
    }

    func bool(_ name: String, default value: Bool) -> Bool {
        guard let text = string(name) else { return value }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            fail(name, "\"\(text)\" is not true or false")
            return value
        }
    }

    func duration(_ name: String, default value: TimeSpan) -> TimeSpan {
        guard let text = string(name) else { return value }
        guard let span = TimeSpan(parsing: text), span.microseconds > 0 else {
            fail(name, "\"\(text)\" is not a duration (write 45s, 30m, 12h, 7d or 2w)")
            return value
        }
        return span
    }

    func stringList(_ name: String) -> [String]? {
        guard let node = raw(name) else { return nil }
        guard let sequence = node.sequence else {
            fail(name, "expected a list")
            return nil
        }
        var values: [String] = []
        for (index, element) in sequence.enumerated() {
            guard let scalar = element.scalar else {
                errors.append(ConfigurationError(key: key(name) + "[\(index)]", reason: "expected a single value"))
                continue
            }
            values.append(scalar.string)
        }
        return values
    }

    /// A list of mappings, each read through its own node (`cdr.files[0].path`).
    func sectionList(_ name: String) -> [ConfigNode] {
        guard let node = raw(name) else { return [] }
        guard let sequence = node.sequence else {
            fail(name, "expected a list")
            return []
        }
        return sequence.enumerated().map { index, element in
            let child = ConfigNode(element, path: key(name) + "[\(index)]")
            children.append(child)
            return child
        }
    }

    /// Every error in this node and below, including keys nobody asked for.
    func allErrors() -> [ConfigurationError] {
        var all = errors
        if let mapping {
            for (keyNode, _) in mapping {
                let name = keyNode.scalar?.string ?? "?"
                if !known.contains(name) {
                    all.append(ConfigurationError(key: key(name), reason: "unknown key (misspelt, or not valid here)"))
                }
            }
        }
        for child in children { all += child.allErrors() }
        return all
    }
}
