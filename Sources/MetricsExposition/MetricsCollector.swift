/// Gathers the samples of every source into families, merging by name: several sources (two push
/// listeners, the UDP and TCP HEP listeners) add samples with different labels to one family, which
/// is rendered with one `# HELP` and one `# TYPE` line.
///
/// Never fails: an invalid character in a metric or label name becomes `_`; a sample for a name
/// first declared with another type, or a second sample with the same labels in one family, is
/// left out (the first wins), so the output always parses. Deliberately not handled: checking
/// that label names agree across a family's samples (each source writes one fixed set).
package struct MetricsCollector {
    private struct SeriesKey: Hashable {
        var family: Int
        var labels: [MetricLabel]
    }

    package private(set) var families: [MetricFamily] = []
    private var familyIndex: [String: Int] = [:]
    private var series: Set<SeriesKey> = []
    /// Samples left out because their name was declared with another type or their series repeated.
    package private(set) var conflicts = 0

    package init() {}

    /// Adds a counter sample; `name` should end in `_total`.
    package mutating func counter<Value: BinaryInteger>(
        _ name: String, help: String, labels: KeyValuePairs<String, String> = [:], value: Value
    ) {
        add(name, help: help, type: .counter, labels: labels, value: Double(value))
    }

    /// Adds a gauge sample.
    package mutating func gauge<Value: BinaryInteger>(
        _ name: String, help: String, labels: KeyValuePairs<String, String> = [:], value: Value
    ) {
        add(name, help: help, type: .gauge, labels: labels, value: Double(value))
    }

    /// Adds a gauge sample with a fractional value (seconds, timestamps).
    package mutating func gauge(_ name: String, help: String, labels: KeyValuePairs<String, String> = [:], value: Double) {
        add(name, help: help, type: .gauge, labels: labels, value: value)
    }

    /// Declares a family without adding a sample, so that its help and type are known even while
    /// it has no series (it is rendered only once it has some).
    package mutating func declare(_ name: String, help: String, type: MetricType) {
        _ = family(named: name, help: help, type: type)
    }

    /// Adds one sample to the family `name`, creating the family on first use.
    package mutating func add(
        _ name: String, help: String, type: MetricType, labels: KeyValuePairs<String, String>, value: Double
    ) {
        let labels = labels.map { MetricLabel(PrometheusTextFormat.validName($0.key, allowColon: false), $0.value) }
        guard let index = family(named: name, help: help, type: type),
            series.insert(SeriesKey(family: index, labels: labels)).inserted
        else {
            conflicts += 1
            return
        }
        families[index].samples.append(MetricSample(labels: labels, value: value))
    }

    /// Every sample as `name{label=value,...}` without the `callwarden_` prefix and without quoting,
    /// for one log line (`hep_datagrams_total{transport=udp}`); not for parsing.
    package var compactSeries: [(series: String, value: Double)] {
        families.flatMap { family in
            let name = family.name.hasPrefix("callwarden_") ? String(family.name.dropFirst(11)) : family.name
            return family.samples.map { sample in
                let labels = sample.labels.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
                return (labels.isEmpty ? name : "\(name){\(labels)}", sample.value)
            }
        }
    }

    /// The family named `name` (after sanitising), if any source declared it.
    package func family(_ name: String) -> MetricFamily? {
        familyIndex[PrometheusTextFormat.validName(name, allowColon: true)].map { families[$0] }
    }

    private mutating func family(named rawName: String, help: String, type: MetricType) -> Int? {
        let name = PrometheusTextFormat.validName(rawName, allowColon: true)
        if let index = familyIndex[name] {
            return families[index].type == type ? index : nil
        }
        families.append(MetricFamily(name: name, help: help, type: type))
        familyIndex[name] = families.count - 1
        return families.count - 1
    }
}
