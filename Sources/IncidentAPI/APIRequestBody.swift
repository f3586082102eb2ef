import Foundation

/// A request body as named fields: a JSON object, or `application/x-www-form-urlencoded` (what
/// Asterisk's `CURL(url,data)` posts). Every accessor names the field in its error.
package struct APIRequestBody {
    private let fields: [String: Any]

    /// The most bytes a body may have.
    package static let maximumBytes = 64 * 1024

    package init(bytes: [UInt8], contentType: String?) throws(APIProblem) {
        let type = contentType?.lowercased() ?? ""
        let isJSON = type.contains("json") || (!type.hasPrefix("application/x-www-form-urlencoded")
            && (bytes.first == UInt8(ascii: "{") || bytes.first == UInt8(ascii: "[")))
        if bytes.isEmpty {
            fields = [:]
        } else if !isJSON {
            fields = try Self.form(bytes)
        } else {
            guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)), let dictionary = object as? [String: Any] else {
                throw APIProblem(status: 400, field: "body", message: "is not a JSON object")
            }
            fields = dictionary
        }
    }

    private static func form(_ bytes: [UInt8]) throws(APIProblem) -> [String: Any] {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw APIProblem(status: 400, field: "body", message: "is not UTF-8")
        }
        var fields: [String: Any] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]) else { throw APIProblem(status: 400, field: "body", message: "has a badly encoded name") }
            guard let value = decode(parts.count > 1 ? parts[1] : "") else {
                throw APIProblem(status: 400, field: name, message: "is badly encoded")
            }
            fields[name] = value
        }
        return fields
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    package func string(_ name: String) throws(APIProblem) -> String? {
        guard let value = fields[name], !(value is NSNull) else { return nil }
        if let text = value as? String { return text }
        if let number = value as? Int64 { return String(number) }
        throw APIProblem(status: 400, field: name, message: "must be a string")
    }

    package func requiredString(_ name: String) throws(APIProblem) -> String {
        guard let text = try string(name), !text.isEmpty else {
            throw APIProblem(status: 400, field: name, message: "is required")
        }
        return text
    }

    package func bool(_ name: String) throws(APIProblem) -> Bool {
        guard let value = fields[name], !(value is NSNull) else { return false }
        if let flag = value as? Bool { return flag }
        if let text = value as? String {
            switch text.lowercased() {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off", "": return false
            default: break
            }
        }
        throw APIProblem(status: 400, field: name, message: "must be true or false")
    }

    /// SIP headers as a JSON object (`{"Privacy":"id"}`) or a list of `[name, value]` pairs.
    package func headers(_ name: String) throws(APIProblem) -> [(String, String)] {
        guard let value = fields[name], !(value is NSNull) else { return [] }
        if let object = value as? [String: Any] {
            var pairs: [(String, String)] = []
            for key in object.keys.sorted() {
                guard let text = object[key] as? String else {
                    throw APIProblem(status: 400, field: name, message: "must map header names to strings")
                }
                pairs.append((key, text))
            }
            return pairs
        }
        if let list = value as? [Any] {
            var pairs: [(String, String)] = []
            for item in list {
                guard let pair = item as? [Any], pair.count == 2, let header = pair[0] as? String, let text = pair[1] as? String else {
                    throw APIProblem(status: 400, field: name, message: "must be a list of [name, value] pairs")
                }
                pairs.append((header, text))
            }
            return pairs
        }
        throw APIProblem(status: 400, field: name, message: "must be an object or a list of [name, value] pairs")
    }
}

/// A refused request: HTTP status, the field at fault and why.
package struct APIProblem: Error {
    package var status: Int
    package var field: String
    package var message: String

    package init(status: Int, field: String, message: String) {
        self.status = status
        self.field = field
        self.message = message
    }
}
