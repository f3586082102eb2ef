import CallModel
import CallwardenPorts
import Foundation
import SQLiteStore
import HTTPTypes
import Incidents
import PeopleAPI
import Testing

/// The console in a real browser: headless Chromium driven over the DevTools protocol. Screenshots
/// are kept as test artifacts under `.build/test-artifacts/console/`.
@Suite("The console in headless Chromium", .serialized)
struct ConsoleBrowserTests {
    /// Run when installed, and always under CI (`CI` set), where a missing chromium must fail.
    static var shouldRun: Bool { DevToolsBrowser.isInstalled || ProcessInfo.processInfo.environment["CI"] != nil }

    static var artifacts: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent(".build/test-artifacts/console").path
    }

    /// Logs in through the form, as a person would.
    static func logIn(_ browser: DevToolsBrowser, base: String, token: String) throws {
        try browser.open(base + "/ui/login")
        try browser.wait(until: "location.pathname === '/ui/login' && document.getElementById('token') !== null")
        _ = try browser.evaluate("document.getElementById('token').value = '\(token)'; document.querySelector('form').submit(); true")
        try browser.wait(until: "location.pathname === '/ui/blocks'")
    }

    @Test(
        "ops log in, see the blocked number, mark it a false positive and see it gone; a viewer sees it masked with no unblock button",
        .enabled(if: shouldRun, "needs Debian's chromium (scripts/install-evidence-test-packages)"))
    func opsAndViewerInChromium() async throws {
        try await PeopleServer.with { server in
            let base = server.base
            let national = UnitedKingdom.national(PeopleServer.blocked)
            let masked = PeopleServer.blocked.masked
            let id = try #require(try server.store.rules(activeAt: PeopleServer.now, includeExpired: false).first { $0.action == .block }?.id)
            let viewerToken = try #require(server.tokens[.viewer])
            let viewer = try await DevToolsBrowser.run { browser -> (text: String, buttons: Int) in
                try Self.logIn(browser, base: base, token: viewerToken)
                try browser.screenshot(to: Self.artifacts + "/viewer-blocks.png")
                let buttons = try browser.evaluate("document.querySelectorAll('button.unblock').length") as? Int ?? -1
                return (try browser.visibleText(), buttons)
            }
            #expect(viewer.text.contains(masked))
            #expect(!viewer.text.contains(national))
            #expect(viewer.buttons == 0)
            #expect(viewer.text.contains("Signed in as viewer"))

            let opsToken = try #require(server.tokens[.ops])
            let ops = try await DevToolsBrowser.run { browser -> (before: String, after: String) in
                try Self.logIn(browser, base: base, token: opsToken)
                let before = try browser.visibleText()
                try browser.screenshot(to: Self.artifacts + "/ops-blocks.png")
                _ = try browser.evaluate(
                    "document.querySelector('#rule-\(id) input[name=reason]').value = 'caller was the tenant'; document.querySelector('#rule-\(id) button.false-positive').click(); true")
                try browser.wait(until: "location.pathname === '/ui/blocks' && document.getElementById('rule-\(id)') === null")
                try browser.screenshot(to: Self.artifacts + "/ops-after-false-positive.png")
                return (before, try browser.visibleText())
            }
            #expect(ops.before.contains(national))
            #expect(ops.before.contains("threatened reception"))
            #expect(!ops.after.contains(national))
            let audit = try server.store.auditLog(since: nil, limit: 10)
            #expect(audit.contains { $0.action == "rule.remove.false-positive" && $0.actor == "token:ops" && $0.detail.hasSuffix("caller was the tenant") })
            let allowed = try server.store.rules(activeAt: PeopleServer.now, includeExpired: false)
            #expect(allowed.contains { $0.action == .allow && $0.match == .number(PeopleServer.blocked) })
            let png = try Data(contentsOf: URL(fileURLWithPath: Self.artifacts + "/viewer-blocks.png"))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        }
    }

    @Test(
        "security flag a call on the MCID page, choose among the candidates, read the incident (the caller's name inert) and acknowledge it, in Finnish too; a viewer's incident list is masked",
        .enabled(if: shouldRun, "needs Debian's chromium (scripts/install-evidence-test-packages)"))
    func securityInChromium() async throws {
        try await PeopleServer.with { server in
            try ConsoleCalls.store(server.store)
            let base = server.base
            let securityToken = try #require(server.tokens[.security])
            let security = try await DevToolsBrowser.run { browser -> (text: String, images: Int, finnish: String, path: String) in
                try Self.logIn(browser, base: base, token: securityToken)
                try browser.open(base + "/ui/mcid")
                try browser.wait(until: "document.getElementById('flag') !== null")
                _ = try browser.evaluate(
                    "document.querySelector('#flag input[name=extension]').value = '1001'; document.querySelector('#flag').submit(); true")
                try browser.wait(until: "document.getElementById('candidates') !== null")
                try browser.screenshot(to: Self.artifacts + "/security-mcid-candidates.png")
                _ = try browser.evaluate("document.querySelector('input[name=call_id][value=\"call-a\"]').form.querySelector('button').click(); true")
                try browser.wait(until: "location.pathname.startsWith('/ui/incidents/') && document.getElementById('timeline') !== null")
                let text = try browser.visibleText()
                let images = try browser.evaluate("document.querySelectorAll('img').length") as? Int ?? -1
                try browser.screenshot(to: Self.artifacts + "/security-incident.png")
                _ = try browser.evaluate("document.querySelector('button.status-acknowledged').click(); true")
                try browser.wait(until: "document.getElementById('timeline') !== null && document.querySelector('button.status-acknowledged') === null")
                let path = try browser.evaluate("location.pathname") as? String ?? ""
                try browser.open(base + path + "?lang=fi")
                try browser.wait(until: "document.documentElement.lang === 'fi'")
                try browser.screenshot(to: Self.artifacts + "/security-incident-fi.png")
                return (text, images, try browser.visibleText(), path)
            }
            #expect(security.text.contains("<img src=x onerror=alert(1)>"))
            #expect(security.images == 0)
            #expect(security.text.contains(UnitedKingdom.national(ConsoleCalls.hostile)))
            #expect(security.finnish.contains("Aikajana") && security.finnish.contains("kuitattu"))
            let id = try #require(Int64(security.path.dropFirst("/ui/incidents/".count)))
            #expect(try server.store.incident(id: id)?.status == .acknowledged)

            let viewerToken = try #require(server.tokens[.viewer])
            let viewer = try await DevToolsBrowser.run { browser -> (text: String, cells: Int) in
                try Self.logIn(browser, base: base, token: viewerToken)
                try browser.open(base + "/ui/incidents")
                try browser.wait(until: "document.getElementById('incidents') !== null")
                try browser.screenshot(to: Self.artifacts + "/viewer-incidents.png")
                let text = try browser.visibleText()
                try browser.open(base + "/ui/prevention")
                try browser.wait(until: "document.getElementById('heatmap') !== null")
                try browser.screenshot(to: Self.artifacts + "/viewer-prevention.png")
                return (text, try browser.evaluate("document.querySelectorAll('#heatmap rect').length") as? Int ?? -1)
            }
            #expect(viewer.text.contains(ConsoleCalls.hostile.masked))
            #expect(!viewer.text.contains(UnitedKingdom.national(ConsoleCalls.hostile)))
            #expect(viewer.cells == 7 * 24)
        }
    }
}
