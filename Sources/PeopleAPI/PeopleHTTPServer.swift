package import CallModel
package import CallwardenPorts
package import Hummingbird
package import IncidentAPI
package import Incidents
package import Logging
package import NIOCore

/// The store the people's listener works on: rules, detections, totals, tokens and audit, incidents, call search.
package typealias PeopleStore = RuleReviewStore & DetectionStore & EventStore & AccessTokenStore & IncidentStore & RecordingStore
    & CallSearchStore & BlockEffectStore

/// The `api` listener: the people's JSON API (and, mounted beside it, the console's pages).
///
/// Deliberately not handled: TLS (bind to loopback or a management network and put a TLS proxy in
/// front; `api.tls_proxy` then marks the console's cookie Secure) and HTTP/2.
package struct PeopleHTTPServer: Sendable {
    package var router: PeopleRouter
    package var work: EndpointWork
    /// Every endpoint of the JSON API.
    package var endpoints: [PeopleEndpoint]

    /// The API over `store`: rules and redirects (numbers in `plan`), incidents (`incidentRoutes`),
    /// detections, statistics, audit and tokens; a data subject's requests through `privacy`
    /// (without it those routes answer 503).
    package init(
        store: any PeopleStore, plan: NumberPlan, incidentRoutes: IncidentRoutes, authenticator: Authenticator,
        clock: WallClock, storeExecutor: (any TaskExecutor)?, logger: Logger, privacy: (any PersonalDataPort)? = nil
    ) {
        let work = EndpointWork(storeExecutor: storeExecutor, logger: logger)
        self.work = work
        self.router = PeopleRouter(authenticator: authenticator, storeExecutor: storeExecutor)
        self.endpoints =
            RuleEndpoints(store: store, plan: plan, crisisLine: incidentRoutes.crisisLine, clock: clock, work: work).endpoints
            + ReviewEndpoints(store: store, clock: clock, work: work).endpoints
            + IncidentEndpointRoles.endpoints(incidentRoutes, audit: store, clock: clock, work: work)
            + ReadEndpoints(store: store, clock: clock, work: work).endpoints
            + CallSearchEndpoints(store: store, plan: plan, clock: clock, work: work).endpoints
            + TokenEndpoints(store: store, clock: clock, work: work).endpoints
            + PrivacyEndpoints(port: privacy, clock: clock, work: work).endpoints
    }

    /// A router with the API's endpoints and `more` (the console's), and the list of what it serves
    /// (`METHOD /path`, OpenAPI form).
    package func makeRouter(adding more: [PeopleEndpoint] = []) -> (Router<PeopleRequestContext>, [String]) {
        let hummingbird = Router(context: PeopleRequestContext.self)
        let served = router.register(endpoints + more, on: hummingbird)
        return (hummingbird, served)
    }

    package func application(
        host: String, port: Int, adding more: [PeopleEndpoint] = [], logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let (hummingbird, _) = makeRouter(adding: more)
        return Application(
            router: hummingbird,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "callwarden"),
            onServerRunning: onServerRunning, logger: logger)
    }
}
