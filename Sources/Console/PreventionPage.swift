import CallModel
import Foundation
import Incidents

/// `/ui/prevention`: what the safety committee asks — incidents by kind and status, the harassing
/// calls (the calls of incidents) by weekday and hour in the deployment's zone as an inline SVG heat
/// map, the most targeted extensions, and how long acknowledging took. Each table is downloadable
/// as CSV (`/ui/prevention.csv?table=kinds|hours|targets`).
///
/// Counts only, no caller identities: every reader may open it. Deliberately not handled: teams
/// (extensions are shown one by one), whether blocks stopped the calls and alert delivery times
/// (the review queue shows each block's stopped calls), and more than ``incidentLimit`` incidents.
struct PreventionFigures {
    static let incidentLimit = 200

    var byKind: [(kind: IncidentKind, counts: [IncidentStatus: Int])] = []
    /// [weekday Monday = 0][hour] → calls.
    var heat: [[Int]] = Array(repeating: Array(repeating: 0, count: 24), count: 7)
    var targets: [(target: String, incidents: Int)] = []
    var acknowledgeMinutes: [Int64] = []
    var incidentCount = 0

    init(incidents: [Incident], timelines: [IncidentTimeline], time: ConsoleTime) {
        incidentCount = incidents.count
        var kinds: [IncidentKind: [IncidentStatus: Int]] = [:]
        var targetCounts: [String: Int] = [:]
        for incident in incidents {
            kinds[incident.kind, default: [:]][incident.status, default: 0] += 1
            targetCounts[incident.target, default: 0] += 1
            if let acknowledged = incident.transitions.first(where: { $0.status >= .acknowledged }) {
                acknowledgeMinutes.append(max(0, (acknowledged.time - incident.openedAt).seconds / 60))
            }
        }
        byKind = IncidentKind.allCases.compactMap { kind in kinds[kind].map { (kind, $0) } }
        targets = targetCounts.sorted { $0.value == $1.value ? $0.key < $1.key : $0.value > $1.value }.prefix(10).map { ($0.key, $0.value) }
        var seen = Set<String>()
        for timeline in timelines {
            for call in timeline.calls where seen.insert(call.callID).inserted {
                let civil = time.civil(call.start)
                let weekday = Int(((civil.daysSinceEpoch % 7) + 7 + 3) % 7)  // 1970-01-01 was a Thursday
                heat[weekday][civil.hour] += 1
            }
        }
        acknowledgeMinutes.sort()
    }

    var medianAcknowledgeMinutes: Int64? {
        acknowledgeMinutes.isEmpty ? nil : acknowledgeMinutes[acknowledgeMinutes.count / 2]
    }

    /// The table `name` as rows of cells (the first row the header), for the page and for CSV.
    func table(_ name: String, language: ConsoleLanguage) -> [[String]]? {
        switch name {
        case "kinds":
            var rows: [[String]] = [["kind"] + IncidentStatus.allCases.map(\.rawValue) + ["total"]]
            for row in byKind {
                var cells: [String] = [row.kind.rawValue]
                for status in IncidentStatus.allCases { cells.append(String(row.counts[status] ?? 0)) }
                cells.append(String(row.counts.values.reduce(0, +)))
                rows.append(cells)
            }
            return rows
        case "hours":
            var rows: [[String]] = [["weekday"] + (0..<24).map { String($0) }]
            for day in 0..<7 { rows.append([language.weekdays[day]] + heat[day].map { String($0) }) }
            return rows
        case "targets":
            var rows: [[String]] = [["extension", "incidents"]]
            for target in targets { rows.append([target.target, String(target.incidents)]) }
            return rows
        default:
            return nil
        }
    }

    /// RFC 4180 CSV; a cell that a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab,
    /// carriage return first) is prefixed with `'`. Cells are text from the store (extension keys
    /// come from PBXs): quoted whenever they hold a quote, comma or line break.
    static func csv(_ rows: [[String]]) -> String {
        rows.map { row in
            row.map { cell in
                var text = cell
                if let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { text = "'" + text }
                if text.unicodeScalars.contains(where: { $0 == "\"" || $0 == "," || $0 == "\n" || $0 == "\r" }) {
                    text = "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                }
                return text
            }.joined(separator: ",")
        }.joined(separator: "\r\n") + "\r\n"
    }
}

enum PreventionPage {
    static func render(_ figures: PreventionFigures, view: ConsoleView) -> String {
        let escape = ConsoleHTML.escape
        var body = "<p class=\"meta\">" + view.text(.preventionScope, String(PreventionFigures.incidentLimit)) + " "
            + view.text(.timesIn, view.time.zone.identifier) + "</p>\n"
        func table(_ name: String, _ title: Phrase) {
            guard let rows = figures.table(name, language: view.language) else { return }
            body += "<h2>" + view.text(title) + "</h2>\n<table id=\"\(name)\">"
            for (index, row) in rows.enumerated() {
                let cell = index == 0 ? "th" : "td"
                body += "<tr>" + row.map { "<\(cell)>" + escape($0) + "</\(cell)>" }.joined() + "</tr>"
            }
            body += "</table>\n<p><a href=\"/ui/prevention.csv?table=\(name)\">" + view.text(.csv) + "</a></p>\n"
        }
        table("kinds", .byKindAndStatus)
        body += "<h2>" + view.text(.heatMap) + "</h2>\n" + heatMap(figures.heat, weekdays: view.language.weekdays)
        body += "<p><a href=\"/ui/prevention.csv?table=hours\">" + view.text(.csv) + "</a></p>\n"
        table("targets", .mostTargeted)
        body += "<h2>" + view.text(.timeToAcknowledge) + "</h2>\n<p id=\"acknowledge\">"
            + view.text(.acknowledgedMedian, String(figures.acknowledgeMinutes.count), figures.medianAcknowledgeMinutes.map(String.init) ?? "–")
            + "</p>\n"
        return view.page(title: Phrase.prevention.text(view.language), body: body)
    }

    /// 7 × 24 cells, darker for more calls, each with its count as a tooltip; no script, no style attribute.
    static func heatMap(_ heat: [[Int]], weekdays: [String]) -> String {
        let cell = 22
        let left = 40
        let top = 18
        let most = max(1, heat.flatMap { $0 }.max() ?? 1)
        var svg = "<svg id=\"heatmap\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(left + 24 * cell)\" height=\"\(top + 7 * cell)\" role=\"img\">"
        for hour in stride(from: 0, to: 24, by: 3) {
            svg += "<text x=\"\(left + hour * cell + 2)\" y=\"12\" font-size=\"10\">\(hour)</text>"
        }
        for day in 0..<7 {
            svg += "<text x=\"0\" y=\"\(top + day * cell + 15)\" font-size=\"11\">" + ConsoleHTML.escape(weekdays[day]) + "</text>"
            for hour in 0..<24 {
                let count = heat[day][hour]
                let shade = count == 0 ? 0.0 : 0.15 + 0.85 * Double(count) / Double(most)
                svg += "<rect x=\"\(left + hour * cell)\" y=\"\(top + day * cell)\" width=\"\(cell - 2)\" height=\"\(cell - 2)\" fill=\"#a00000\" fill-opacity=\""
                    + opacity(shade) + "\" stroke=\"#ccc\"><title>" + ConsoleHTML.escape(weekdays[day]) + " \(hour):00 — \(count)</title></rect>"
            }
        }
        return svg + "</svg>\n"
    }

    /// 0.00–1.00 with two decimals.
    static func opacity(_ value: Double) -> String {
        let hundredths = Int((min(max(value, 0), 1) * 100).rounded())
        return hundredths == 100 ? "1" : "0." + (hundredths < 10 ? "0" : "") + String(hundredths)
    }
}
