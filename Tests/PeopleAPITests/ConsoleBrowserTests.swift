import CallModel
import CallwardenPorts
import Foundation
import SQLiteStore
import HTTPTypes
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
        "ops log in, see the blocked number, unblock it and see it gone; a viewer sees it masked with no unblock button",
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
                    "document.querySelector('#rule-\(id) input[name=reason]').value = 'caller was the tenant'; document.querySelector('#rule-\(id) form').submit(); true")
                try browser.wait(until: "location.pathname === '/ui/blocks' && document.getElementById('rule-\(id)') === null")
                try browser.screenshot(to: Self.artifacts + "/ops-after-unblock.png")
                return (before, try browser.visibleText())
            }
            #expect(ops.before.contains(national))
            #expect(ops.before.contains("threatened reception"))
            #expect(!ops.after.contains(national))
            let audit = try #require(try server.store.auditLog(since: nil, limit: 1).first)
            #expect(audit.action == "rule.remove" && audit.actor == "token:ops" && audit.detail.hasSuffix("caller was the tenant"))
            let png = try Data(contentsOf: URL(fileURLWithPath: Self.artifacts + "/viewer-blocks.png"))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        }
    }
}
