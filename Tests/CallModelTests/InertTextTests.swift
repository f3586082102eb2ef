import CallModel
import Foundation
import Testing

@Suite("Inert text and secrets")
struct InertTextTests {
    @Test("a log line or terminal cell never holds a line break, escape sequence or bidi control")
    func lineEscaping() {
        #expect(InertText.line("alice\n2026 critical forged") == "alice\\u{000A}2026 critical forged")
        #expect(InertText.line("\u{1B}[2J\u{202E}abc\u{0000}") == "\\u{001B}[2J\\u{202E}abc\\u{0000}")
        #expect(InertText.line("back\\slash") == "back\\\\slash")
        #expect(InertText.line("Jos\u{00E9} e\u{0301} \u{1F600}") == "Jos\u{00E9} e\u{0301} \u{1F600}")
        #expect(InertText.line("\u{0605}<") == "\\u{0605}<")
        #expect(InertText.line("a\u{2028}b\u{85}c") == "a\\u{2028}b\\u{0085}c")
    }

    @Test("JSON for a terminal has C1, DEL, bidi and format scalars escaped, and parses to the same values")
    func jsonEscaping() throws {
        let value = "x\u{202E}y\u{9B}2J\u{7F}\u{2028}\u{E0001}\u{0605}<Jos\u{E9} \u{1F600}"
        let encoded = String(decoding: try JSONEncoder().encode(["name\u{200B}": value]), as: UTF8.self)
        let inert = InertText.json(encoded + "\n")
        for escape in [#"\u200B"#, #"x\u202Ey\u009B2J"#, #"\uDB40\uDC01\u0605<"#] {
            #expect(inert.contains(escape))
        }
        #expect(inert.contains("Jos\u{E9} \u{1F600}"))  // letters and emoji stay as they are
        #expect(inert.hasSuffix("}\n"))
        #expect(!inert.unicodeScalars.contains { $0.value >= 0x7F && InertText.isHidden($0) })
        #expect(try JSONDecoder().decode([String: String].self, from: Data(inert.utf8)) == ["name\u{200B}": value])
        #expect(InertText.json("{\n  \"a\" : \"\\u0000\"\n}") == "{\n  \"a\" : \"\\u0000\"\n}")
    }

    @Test("HTML escaping is by scalar: a grapheme that swallows '<' still has it escaped")
    func htmlEscaping() {
        let joined = "\u{0605}<meta>"
        #expect(joined.count == 6)  // U+0605 and '<' are one Character
        #expect(InertText.html(joined) == "\\u{0605}&lt;meta&gt;")
        #expect(InertText.html("\u{0301}\"<'>&") == "\u{0301}&quot;&lt;&#39;&gt;&amp;")
        #expect(InertText.html("line\nbreak") == "line\nbreak")
    }

    @Test("a secret never prints itself, even inside a struct; it compares in constant time")
    func secretRedaction() {
        struct Holder { var name = "ami"; var secret: Secret = "hunter2-secret" }
        let holder = Holder()
        for text in [String(describing: holder), String(reflecting: holder), "\(holder.secret)", "\([holder.secret])"] {
            #expect(!text.contains("hunter2"))
            #expect(!text.contains("104, 117"))  // nor as bytes
        }
        #expect(holder.secret.matches("hunter2-secret"))
        #expect(!holder.secret.matches("hunter2-secreT"))
        #expect(!holder.secret.matches("hunter2-secret!"))
        #expect(!holder.secret.matches(""))
        #expect(SecretComparison.matches([UInt8](), []))
        #expect(!SecretComparison.matches(Array(repeating: 0, count: 256), []))
    }
}
