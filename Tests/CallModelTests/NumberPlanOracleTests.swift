import CallModel
import Foundation
import Testing

/// Numbers as people write them, for every shipped country, compared with libphonenumber's parser
/// (the PyPI `phonenumbers` port, run by Tests/Oracles/phonenumbers-e164.py; scripts/test installs it).
/// Skipped with the reason when python3 or phonenumbers is missing, except under CI=true, where a
/// missing oracle fails the test.
///
/// All numbers are synthetic. GB: Ofcom's drama ranges (020 7946 0xxx, 07700 900xxx, 0113 496 0xxx).
/// SE: PTS's fiction ranges (070-174 06 05–99, 08-465 004 xx). DE: the Bundesnetzagentur's drama
/// numbers (030 23125 xxx, 040 66969 xxx, 089 99998 xxx). FI and RU publish no fictional range: the
/// FI numbers are the project's usual synthetic +358 40 123 4567 / 09 xxxx and the RU numbers are
/// made up in the Moscow (495) and a mobile (916) code; none is meant to reach anyone.
@Suite(.enabled(if: PhonenumbersOracle.shouldRun, PhonenumbersOracle.skipReason))
struct NumberPlanOracleTests {
    /// (deployment region, written forms); every form of one row is one number.
    static let table: [(region: String, forms: [String])] = [
        ("FI", ["040 123 4567", "040-123 45 67", "040.123.4567", "(040) 123 4567", "040/1234567", "+358 40 123 4567",
                "+358 (0)40 123 4567", "00358 40 123 4567", "00 358 (0)40 123 4567", "+358-40-1234567", "990 358 40 123 4567",
                "+358\u{00A0}40\u{00A0}123\u{00A0}4567", "tel:+358-40-123-4567"]),
        ("FI", ["09 4244 0123", "(09) 4244 0123", "+358 9 4244 0123", "+358 (0)9 4244 0123", "00358 (0)9-4244-0123"]),
        // Other shipped countries' numbers dialled from Finland.
        ("FI", ["+46 (0)8 465 004 42", "00 46 8-465 004 42", "+46 08 465 004 42"]),
        ("FI", ["+44 (0)20 7946 0123", "0044 20 7946 0123", "+44 020 7946 0123"]),
        ("SE", ["08-465 004 42", "08 465 004 42", "(08) 465 00 442", "+46 8 465 004 42", "+46 (0)8 465 004 42",
                "0046 (0)8 465 004 42", "0046-8-46500442", "+46.8.465.004.42"]),
        ("SE", ["070-174 06 05", "070 174 06 05", "+46 70 174 06 05", "+46 (0)70-174 06 05", "0046 70 1740605"]),
        ("SE", ["+358 (0)40 123 4567", "00358 40 123 4567"]),
        ("GB", ["020 7946 0123", "(020) 7946 0123", "020-7946-0123", "+44 20 7946 0123", "+44 (0)20 7946 0123",
                "0044 (0)20 7946 0123", "+44.20.7946.0123"]),
        ("GB", ["07700 900123", "07700-900-123", "+44 7700 900123", "+44 (0)7700 900123", "0044 7700 900 123"]),
        ("GB", ["0113 496 0123", "(0113) 496 0123", "+44 113 496 0123", "+44 (0)113 496 0123"]),
        ("GB", ["+49 (0)30 23125 042", "0049 30 23125042"]),
        ("DE", ["030 23125042", "030 / 231 250 42", "(030) 23125 042", "+49 30 23125042", "+49 (0)30 23125 042",
                "0049 (0)30 23125042", "+49-30-23125-042"]),
        ("DE", ["040 66969 042", "+49 (0)40 66969042"]),
        ("DE", ["089 99998 042", "+49 89 99998 042"]),
        ("DE", ["+44 7700 900123", "0044 (0)7700 900123"]),
        ("DE", ["+358 (0)40 123 4567"]),
        ("RU", ["8 (495) 123-45-67", "8 495 123 45 67", "8-495-123-45-67", "+7 (495) 123-45-67", "+7 495 123 45 67",
                "+7 (8) 495 123-45-67", "8107 495 1234567"]),
        ("RU", ["8 (916) 123-45-67", "+7 916 123-45-67", "+7-916-123-45-67"]),
        ("RU", ["8 (800) 123-45-67", "+7 800 123 45 67"]),
        ("RU", ["810 358 40 123 4567", "+358 (0)40 123 4567"]),
        ("RU", ["810 44 (0)20 7946 0123"]),
    ]

    @Test func everyFormMatchesLibphonenumber() throws {
        let rows = Self.table.flatMap { row in row.forms.map { (row.region, $0) } }
        let answers = try PhonenumbersOracle.e164(of: rows)
        try #require(answers.count == rows.count, "the oracle answered \(answers.count) of \(rows.count) lines")
        for ((region, text), expected) in zip(rows, answers) {
            let plan = try #require(NumberPlan.byCountry[region])
            #expect(plan.normalise(text).e164?.description == expected, "\(region) \(text)")
            // The national format a table shows reads back as the same number.
            let number = try #require(E164Number(e164: expected), "oracle: \(expected) for \(region) \(text)")
            #expect(plan.normalise(plan.nationalFormat(number)).e164 == number, "\(plan.nationalFormat(number))")
        }
        // Each row is one number: the forms must agree (catches a table typo the oracle would share).
        var index = 0
        for row in Self.table {
            #expect(Set(answers[index..<index + row.forms.count]).count == 1, "\(row.forms)")
            index += row.forms.count
        }
    }

    /// Prefixes (`blocks add '040 123*'`) normalise like numbers: the oracle's E.164 for the full
    /// number starts with the prefix NumberPlan makes from its written beginning.
    @Test func prefixesNormaliseLikeNumbers() throws {
        let rows: [(String, String, String)] = [  // region, written prefix, a full number in that range
            ("FI", "040 123", "040 123 4567"), ("FI", "+358 (0)40 12", "+358 (0)40 123 4567"),
            ("FI", "00358 40", "00358 40 123 4567"), ("SE", "08-465 004", "08-465 004 42"),
            ("SE", "+46 (0)70-174 06", "+46 (0)70-174 06 05"), ("GB", "020 7946 0", "020 7946 0123"),
            ("GB", "+44 (0)7700 900", "+44 (0)7700 900123"), ("DE", "030 23125", "030 23125042"),
            ("DE", "0049 (0)30 231", "0049 (0)30 23125042"), ("RU", "8 (495) 12", "8 (495) 123-45-67"),
            ("RU", "+7 (916)", "+7 (916) 123-45-67"),
        ]
        let answers = try PhonenumbersOracle.e164(of: rows.map { ($0.0, $0.2) })
        try #require(answers.count == rows.count)
        for ((region, prefix, _), number) in zip(rows, answers) {
            let plan = try #require(NumberPlan.byCountry[region])
            let digits = try #require(plan.normalisePrefix(prefix), "\(region) \(prefix)")
            #expect(number.hasPrefix("+" + digits), "\(region) \(prefix) → +\(digits)*, oracle \(number)")
            #expect(RuleMatch(text: prefix + "*", plan: plan) == .prefix(digits))
        }
    }
}

enum PhonenumbersOracle {
    static let script = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Oracles/phonenumbers-e164.py")

    /// Whether python3 can import phonenumbers (the script exits 3 when it cannot).
    static let isInstalled: Bool = (try? run(input: "")) != nil

    static var shouldRun: Bool { isInstalled || ProcessInfo.processInfo.environment["CI"] == "true" }
    static let skipReason: Comment =
        "python3 with the phonenumbers package is missing (python3 -m pip install phonenumbers); required when CI=true"

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The oracle's E.164 answer (or "ERROR ...") for each (region, text), in order.
    static func e164(of rows: [(String, String)]) throws -> [String] {
        let input = rows.map { "\($0.0)\t\($0.1)" }.joined(separator: "\n") + "\n"
        return try run(input: input).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    private static func run(input: String) throws -> String {
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Missing(description: "python3 \(script.path) exited \(process.terminationStatus) (phonenumbers missing?)")
        }
        return String(decoding: output, as: UTF8.self)
    }
}
