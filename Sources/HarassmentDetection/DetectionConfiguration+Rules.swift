package import CallModel

extension DetectionConfiguration {
    /// `repeat-caller`: one identity calls the organisation (any extension) at least ``threshold``
    /// times within ``window``. Five calls in half an hour is well above what an upset customer who
    /// keeps getting a busy line does (two or three), and well below an automated dialler.
    ///
    /// Deliberately not handled: per-extension counting (that is ``Stalking``'s per-target view).
    package struct RepeatCaller: Sendable, Hashable {
        /// Whether the rule runs at all (off: its calls still go to stalking).
        package var isEnabled = true
        /// Calls within the window that make an episode (default 5).
        package var threshold = 5
        /// The sliding window, both ends inclusive (default 30 minutes).
        package var window: TimeSpan = .minutes(30)

        /// The defaults, or the values given.
        package init(isEnabled: Bool = true, threshold: Int = 5, window: TimeSpan = .minutes(30)) {
            self.isEnabled = isEnabled
            self.threshold = threshold
            self.window = window
        }
    }

    /// `stalking`: one identity calls the same extension within ``window`` at least ``threshold``
    /// times spread over at least ``minimumDays`` local days, or on at least
    /// ``distinctDaysThreshold`` distinct local days. Calls that belong to an active repeat-caller
    /// episode of that identity are left out, so a burst never counts as stalking.
    ///
    /// Deliberately not handled: more than ``maximumRememberedCalls`` calls per identity and
    /// extension within the window (the oldest are forgotten; the threshold is far below it).
    package struct Stalking: Sendable, Hashable {
        /// Whether the rule runs at all.
        package var isEnabled = true
        /// Calls within the window that make an episode when spread over ``minimumDays`` (default 8).
        package var threshold = 8
        /// Local days the ``threshold`` calls must be spread over (default 2).
        package var minimumDays = 2
        /// Distinct local days with calls within the window that make an episode whatever the count
        /// (default 4).
        package var distinctDaysThreshold = 4
        /// The sliding window (default 7 days).
        package var window: TimeSpan = .days(7)
        /// Calls kept per identity and extension (default 64; the newest are kept).
        package var maximumRememberedCalls = 64

        /// The defaults, or the values given.
        package init(
            isEnabled: Bool = true, threshold: Int = 8, minimumDays: Int = 2, distinctDaysThreshold: Int = 4,
            window: TimeSpan = .days(7), maximumRememberedCalls: Int = 64
        ) {
            self.isEnabled = isEnabled
            self.threshold = threshold
            self.minimumDays = minimumDays
            self.distinctDaysThreshold = distinctDaysThreshold
            self.window = window
            self.maximumRememberedCalls = maximumRememberedCalls
        }
    }

    /// `anonymous`: at least ``threshold`` unidentified calls to one extension within ``window``.
    ///
    /// Deliberately not handled: telling several unidentified callers apart (nothing identifies them;
    /// a network-asserted identity makes a caller identified and counted by the other rules).
    package struct Anonymous: Sendable, Hashable {
        /// Whether the rule runs at all.
        package var isEnabled = true
        /// Unidentified calls to one extension within the window that make an episode (default 3).
        package var threshold = 3
        /// The sliding window, both ends inclusive (default 30 minutes).
        package var window: TimeSpan = .minutes(30)

        /// The defaults, or the values given.
        package init(isEnabled: Bool = true, threshold: Int = 3, window: TimeSpan = .minutes(30)) {
            self.isEnabled = isEnabled
            self.threshold = threshold
            self.window = window
        }
    }

    /// `number-hopping`: one personal extension receives, within ``window``, short (talk time at most
    /// ``shortCallMaximum``) or unanswered calls from at least ``distinctNumbers`` never-seen numbers,
    /// that count is at least ``baselineFactor`` × the extension's baseline (its highest count of such
    /// calls in one clock hour over the ``baselinePeriod`` before the window), the extension was first
    /// called at least ``minimumHistory`` earlier, and it is not one of ``serviceExtensions``.
    ///
    /// "Never-seen" means the number made no call to the organisation within ``newNumberMemory``
    /// (remembered in at most ``newNumberCapacity`` numbers; see `GenerationalNumberSet`).
    /// Deliberately not handled: more than ``maximumRememberedCalls`` such calls per extension within
    /// the window (the oldest are forgotten, so a very busy line cannot reach its own baseline anyway),
    /// and more than ``maximumListedCallers`` numbers listed in one episode (later ones are counted in
    /// ``Detection/calls`` but not listed).
    package struct NumberHopping: Sendable, Hashable {
        /// Whether the rule runs at all (off: no seen-number set is kept either).
        package var isEnabled = true
        /// Distinct never-seen numbers within the window that make an episode (default 4).
        package var distinctNumbers = 4
        /// The sliding window (default 60 minutes).
        package var window: TimeSpan = .minutes(60)
        /// Talk time up to which an answered call counts as short (default 30 seconds).
        package var shortCallMaximum: TimeSpan = .seconds(30)
        /// How many times its baseline the window's count must be (default 2).
        package var baselineFactor = 2
        /// How far back the baseline looks (default 7 days).
        package var baselinePeriod: TimeSpan = .days(7)
        /// How long before the surge the extension must have been called first (default 24 hours).
        package var minimumHistory: TimeSpan = .hours(24)
        /// How long a number that called stays "seen" (default 30 days).
        package var newNumberMemory: TimeSpan = .days(30)
        /// Numbers the seen set holds at most (default 1,000,000, roughly 10–20 MB).
        package var newNumberCapacity = 1_000_000
        /// Queues, the switchboard and other lines whose job is to take calls from strangers.
        package var serviceExtensions: Set<String> = []
        /// Such calls kept per extension within the window (default 256).
        package var maximumRememberedCalls = 256
        /// Numbers listed in one episode's ``Detection/callers`` (default 100).
        package var maximumListedCallers = 100

        /// The defaults, with these service extensions.
        package init(serviceExtensions: Set<String> = []) {
            self.serviceExtensions = serviceExtensions
        }
    }

    /// The escalation ladder (fail2ban's `bantime.increment` idea). Each episode is an offence of its
    /// offender (the identity for repeat-caller and stalking, the called extension for anonymous and
    /// number-hopping); offence *n* within ``reoffenceMemory`` takes ``ladder``[n-1], the last step
    /// repeating. An episode that reaches ``stepUpFactor`` × its threshold moves one step up, once. A
    /// block lasts ``blockBase`` × 2^(earlier blocks of the offender within the memory), at most
    /// ``blockMax``, from the call that reached the block step.
    ///
    /// Deliberately not handled: lifting a block early (ops remove the rule), and lengthening a block
    /// while blocked calls keep arriving.
    package struct Escalation: Sendable, Hashable {
        /// Actions per offence, `[alert, block]` by default; cautious sites put `watch` first.
        package var ladder: [ResponseAction] = [.alert, .block]
        /// How long an offence counts towards the next (default 30 days).
        package var reoffenceMemory: TimeSpan = .days(30)
        /// The first block's length (default 24 hours).
        package var blockBase: TimeSpan = .hours(24)
        /// The longest block (default 30 days).
        package var blockMax: TimeSpan = .days(30)
        /// Multiple of the threshold at which an episode steps up (default 2).
        package var stepUpFactor = 2

        /// The defaults, or the values given.
        package init(
            ladder: [ResponseAction] = [.alert, .block], reoffenceMemory: TimeSpan = .days(30),
            blockBase: TimeSpan = .hours(24), blockMax: TimeSpan = .days(30), stepUpFactor: Int = 2
        ) {
            self.ladder = ladder
            self.reoffenceMemory = reoffenceMemory
            self.blockBase = blockBase
            self.blockMax = blockMax
            self.stepUpFactor = stepUpFactor
        }
    }

    /// Callers (exact numbers and number prefixes: emergency services, the organisation's own numbers,
    /// VIPs) and called extensions that are never counted and never flagged.
    ///
    /// Deliberately not handled: unidentified callers (they cannot be allow-listed by number).
    package struct AllowList: Sendable, Hashable {
        /// Exact numbers, compared with the caller's counted identity.
        package var numbers: Set<E164Number> = []
        /// E.164 digits a number starts with, with or without `+` (`358112`, `+44800`).
        package var prefixes: [String] = []
        /// Called-party keys (``CalledParty/key``) whose calls are ignored.
        package var extensions: Set<String> = []

        /// An allow list of these entries (empty by default).
        package init(numbers: Set<E164Number> = [], prefixes: [String] = [], extensions: Set<String> = []) {
            self.numbers = numbers
            self.prefixes = prefixes
            self.extensions = extensions
        }
    }
}
