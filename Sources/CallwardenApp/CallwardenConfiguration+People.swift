package import CallModel
package import CallwardenPorts
import Console
package import Logging
package import PeopleAPI
package import SQLiteStore

/// Every port the people's listener (API and console) works on: SQLite, or on a site node the
/// shared PostgreSQL store.
package typealias PeopleListenerStore = PeopleStore & CallSearchStore & BlockEffectStore & ConsoleSessionStore
    & EvidenceExportStore & PersonalDataStore

extension CallwardenConfiguration {
    /// Opens (and migrates) the store for `callwarden tokens` and `callwarden audit`, and the one
    /// the CLI reads a person's token from: with `store.url` the shared PostgreSQL store, so a
    /// token made at one site is known (and revoked) at every site.
    package func openTokenStore() throws -> any AccessTokenStore {
        if let shared = sharedStore { return try openOpsStore(shared) }
        return try SQLiteStore(path: storePath, alertPolicy: incidents.alertPolicy)
    }

    /// The people's listener over `store`: the JSON API and the console's pages; every store call
    /// (each request's token lookup included) runs on `storeExecutor`.
    package func peopleListener(
        store: any PeopleListenerStore, clock: WallClock, logger: Logger, storeExecutor: (any TaskExecutor)?
    ) -> (server: PeopleHTTPServer, console: [PeopleEndpoint]) {
        let authenticator = Authenticator(
            store: store, sessions: ConsoleSessions(store: store, clock: clock, lifetimeSeconds: api.sessionLifetime.microseconds / 1_000_000),
            limiter: FailedAuthenticationLimiter(limit: api.failedAuthenticationLimit))
        let server = PeopleHTTPServer(
            store: store, plan: plan, incidentRoutes: incidentRoutes(store: store, logger: logger, storeExecutor: storeExecutor, clock: clock),
            authenticator: authenticator, clock: clock, storeExecutor: storeExecutor, logger: logger,
            privacy: personalDataPort(store: store))
        let console = ConsolePages(
            store: store, plan: plan, authenticator: authenticator, secureCookies: api.tlsProxy, clock: clock,
            work: server.work, time: ConsoleTime(identifier: timeZone.name), evidenceDownload: evidenceDownload(store: store, clock: clock),
            teams: api.teams)
        return (server, console.endpoints)
    }
}
