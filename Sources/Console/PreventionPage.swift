import CallModel
import CallwardenPorts
import Foundation
import Incidents

/// `/ui/prevention`: what the safety committee asks — incidents by kind and status, the harassing
/// calls (the calls of incidents) by weekday and hour in the deployment's zone as an inline SVG heat
/// map, the most targeted extensions, and how long acknowledging took. Each table is downloadable
/// as CSV (`/ui/prevention.csv?table=kinds|hours|targets`).
///
/// Whether blocks stopped the calls: per week (from Monday, in the zone) of the last
/// ``blockWeeks``, the calls from a number while a block or redirect on it was in force, stopped by
/// a decision or got through (`table=blocks`).
///
/// The most targeted are teams where `api.teams` names the extension's team, extensions otherwise.
///
/// Counts only, no caller identities: every reader may open it. Deliberately not handled: alert
/// delivery times, and more than ``incidentLimit`` incidents.
struct PreventionFigures {
    static let incidentLimit = 200
    static let blockWeeks = 12

    /// (Monday's date, calls stopped, calls that got through), oldest first.
    var blocks: [(week: String, stopped: Int, through: Int)] = []

    var byKind: [(kind: IncidentKind, counts: [IncidentStatus: Int])] = []
    /// [weekday Monday = 0][hour] → calls.
    var heat: [[Int]] = Array(repeating: Array(repeating: 0, count: 24), count: 7)
    var targets: [(target: String, incidents: Int)] = []
    var acknowledgeMinutes: [Int64] = []
    var incidentCount = 0

    /// Whether targets are grouped by team (the header says so).
    var byTeam = false

    init(
        incidents: [Incident], timelines: [IncidentTimeline], blockCalls: [CallAfterBlock] = [], teams: [String: String] = [:],
        time: ConsoleTime
    ) {
        incidentCount = incidents.count
        byTeam = !teams.isEmpty
        var weeks: [Int64: (stopped: Int, through: Int)] = [:]
        for call in blockCalls {
            let days = time.civil(call.start).daysSinceEpoch
            let monday = days - ((days % 7) + 7 + 3) % 7  // 1970-01-01 was a Thursday
            if call.stopped { weeks[monday, default: (0, 0)].stopped += 1 } else { weeks[monday, default: (0, 0)].through += 1 }
        }
        blocks = weeks.keys.sorted().map { monday in
            let date = CivilDateTime(utc: Timestamp(secondsSinceEpoch: monday * 86_400))
            let text = String(date.year) + "-" + (date.month < 10 ? "0" : "") + String(date.month) + "-" + (date.day < 10 ? "0" : "") + String(date.day)
            return (text, weeks[monday]?.stopped ?? 0, weeks[monday]?.through ?? 0)
        }
        var kinds: [IncidentKind: [IncidentStatus: Int]] = [:]
        var targetCounts: [String: Int] = [:]
        for incident in incidents {
            kinds[incident.kind, default: [:]][incident.status, default: 0] += 1
            targetCounts[teams[incident.target] ?? incident.target, default: 0] += 1
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
        case "blocks":
            var rows: [[String]] = [["week", "stopped", "got through"]]
            for week in blocks { rows.append([week.week, String(week.stopped), String(week.through)]) }
            return rows
        case "targets":
            var rows: [[String]] = [[byTeam ? "team or extension" : "extension", "incidents"]]
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
        table("blocks", .blocksStopped)
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
