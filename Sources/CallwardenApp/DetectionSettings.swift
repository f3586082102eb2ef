package import CallModel
package import HarassmentDetection

/// The `detection` section: thresholds and lists as the operator wrote them.
///
/// Keys (defaults fit an office switchboard):
/// - `repeat_caller.threshold` [5], `repeat_caller.window` [30m]
/// - `stalking.threshold` [8], `stalking.window` [7d], `stalking.distinct_days` [4], `stalking.minimum_days` [2]
/// - `anonymous.threshold` [3], `anonymous.window` [30m]
/// - `number_hopping.threshold` [4], `number_hopping.window` [60m], `number_hopping.short_call` [30s],
///   `number_hopping.baseline_factor` [2], `number_hopping.minimum_history` [24h], `number_hopping.memory` [30d]
/// - `escalation.ladder` [`[alert, block]`], `escalation.block_base` [24h], `escalation.block_max` [30d],
///   `escalation.reoffence_memory` [30d]
/// - `allow`: numbers (any form the PBX writes), prefixes (`+44800*`) and extensions never flagged
/// - `customers`: numbers that get `review` instead of an automatic block
/// - `service_extensions`: queues and switchboards that number-hopping ignores
/// - `max_tracked_keys` [250000]: memory bound per rule (least recently seen keys are evicted)
package struct DetectionSettings: Sendable, Hashable {
    package var repeatThreshold = 5
    package var repeatWindow = TimeSpan.minutes(30)
    package var stalkingThreshold = 8
    package var stalkingWindow = TimeSpan.days(7)
    package var stalkingDistinctDays = 4
    package var stalkingMinimumDays = 2
    package var anonymousThreshold = 3
    package var anonymousWindow = TimeSpan.minutes(30)
    package var hoppingThreshold = 4
    package var hoppingWindow = TimeSpan.minutes(60)
    package var hoppingShortCall = TimeSpan.seconds(30)
    package var hoppingBaselineFactor = 2
    package var hoppingMinimumHistory = TimeSpan.hours(24)
    package var hoppingMemory = TimeSpan.days(30)
    package var ladder: [ResponseAction] = [.alert, .block]
    package var blockBase = TimeSpan.hours(24)
    package var blockMax = TimeSpan.days(30)
    package var reoffenceMemory = TimeSpan.days(30)
    package var allowNumbers: Set<E164Number> = []
    package var allowPrefixes: [String] = []
    package var allowExtensions: Set<String> = []
    package var customers: Set<E164Number> = []
    package var serviceExtensions: Set<String> = []
    package var maxTrackedKeys = 250_000

    package init() {}

    static func read(_ node: ConfigNode, plan: NumberPlan) -> DetectionSettings {
        var settings = DetectionSettings()
        let repeatCaller = node.section("repeat_caller")
        settings.repeatThreshold = repeatCaller.int("threshold", default: settings.repeatThreshold, range: 2...1_000)
        settings.repeatWindow = repeatCaller.duration("window", default: settings.repeatWindow)

        let stalking = node.section("stalking")
        settings.stalkingThreshold = stalking.int("threshold", default: settings.stalkingThreshold, range: 2...1_000)
        settings.stalkingWindow = stalking.duration("window", default: settings.stalkingWindow)
        settings.stalkingDistinctDays = stalking.int("distinct_days", default: settings.stalkingDistinctDays, range: 2...365)
        settings.stalkingMinimumDays = stalking.int("minimum_days", default: settings.stalkingMinimumDays, range: 1...365)

        let anonymous = node.section("anonymous")
        settings.anonymousThreshold = anonymous.int("threshold", default: settings.anonymousThreshold, range: 2...1_000)
        settings.anonymousWindow = anonymous.duration("window", default: settings.anonymousWindow)

        let hopping = node.section("number_hopping")
        settings.hoppingThreshold = hopping.int("threshold", default: settings.hoppingThreshold, range: 2...1_000)
        settings.hoppingWindow = hopping.duration("window", default: settings.hoppingWindow)
        settings.hoppingShortCall = hopping.duration("short_call", default: settings.hoppingShortCall)
        settings.hoppingBaselineFactor = hopping.int("baseline_factor", default: settings.hoppingBaselineFactor, range: 1...100)
        settings.hoppingMinimumHistory = hopping.duration("minimum_history", default: settings.hoppingMinimumHistory)
        settings.hoppingMemory = hopping.duration("memory", default: settings.hoppingMemory)

        let escalation = node.section("escalation")
        if let steps = escalation.stringList("ladder") {
            let actions = steps.compactMap { ResponseAction(rawValue: $0) }
            if actions.count != steps.count || actions.isEmpty
                || actions.contains(where: { $0 == .review || $0 == .redirect })
            {
                escalation.fail("ladder", "must be a non-empty list of watch, alert and block (review and redirect are chosen per caller)")
            } else {
                settings.ladder = actions
            }
        }
        settings.blockBase = escalation.duration("block_base", default: settings.blockBase)
        settings.blockMax = escalation.duration("block_max", default: settings.blockMax)
        if settings.blockMax < settings.blockBase {
            escalation.fail("block_max", "must not be shorter than block_base (\(settings.blockBase))")
        }
        settings.reoffenceMemory = escalation.duration("reoffence_memory", default: settings.reoffenceMemory)

        for (index, entry) in (node.stringList("allow") ?? []).enumerated() {
            let text = entry.trimmingSpaces
            if text.hasSuffix("*"), let match = RuleMatch(text: text, plan: plan), case .prefix(let digits) = match {
                settings.allowPrefixes.append(digits)
                continue
            }
            switch plan.normalise(text) {
            case .e164(let number): settings.allowNumbers.insert(number)
            case .internalExtension(let digits): settings.allowExtensions.insert(digits)
            case .unidentified, .invalid:
                if !text.isEmpty, text.count <= 8, text.allSatisfy(\.isASCIIDigit) {
                    settings.allowExtensions.insert(text)  // short codes such as 112 and 999
                } else {
                    node.fail("allow[\(index)]", "\"\(entry)\" is not a number, a prefix such as +44800* or an extension")
                }
            }
        }
        for (index, entry) in (node.stringList("customers") ?? []).enumerated() {
            if let number = plan.normalise(entry).e164 {
                settings.customers.insert(number)
            } else {
                node.fail("customers[\(index)]", "\"\(entry)\" is not a phone number")
            }
        }
        settings.serviceExtensions = Set(node.stringList("service_extensions") ?? [])
        settings.maxTrackedKeys = node.int("max_tracked_keys", default: settings.maxTrackedKeys, range: 1_000...50_000_000)
        for problem in settings.detectorConfiguration(timeZone: .utc).problems {
            node.fail("", problem)
        }
        return settings
    }

    /// The detector's configuration; `timeZone` decides local days for the stalking rule.
    package func detectorConfiguration(timeZone: LocalTimeZone) -> DetectionConfiguration {
        var configuration = DetectionConfiguration()
        configuration.repeatCaller = .init(threshold: repeatThreshold, window: repeatWindow)
        configuration.stalking.threshold = stalkingThreshold
        configuration.stalking.window = stalkingWindow
        configuration.stalking.distinctDaysThreshold = stalkingDistinctDays
        configuration.stalking.minimumDays = stalkingMinimumDays
        configuration.anonymous = .init(threshold: anonymousThreshold, window: anonymousWindow)
        configuration.numberHopping = .init(serviceExtensions: serviceExtensions)
        configuration.numberHopping.distinctNumbers = hoppingThreshold
        configuration.numberHopping.window = hoppingWindow
        configuration.numberHopping.shortCallMaximum = hoppingShortCall
        configuration.numberHopping.baselineFactor = hoppingBaselineFactor
        configuration.numberHopping.minimumHistory = hoppingMinimumHistory
        configuration.numberHopping.newNumberMemory = hoppingMemory
        configuration.escalation.ladder = ladder
        configuration.escalation.blockBase = blockBase
        configuration.escalation.blockMax = blockMax
        configuration.escalation.reoffenceMemory = reoffenceMemory
        configuration.allowList = .init(numbers: allowNumbers, prefixes: allowPrefixes, extensions: allowExtensions)
        configuration.knownCustomers = customers
        configuration.timeZone = timeZone
        configuration.maxTrackedKeys = maxTrackedKeys
        return configuration
    }
}
