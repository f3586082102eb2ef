/// A Prometheus metric type. Deliberately not handled: histograms and summaries (latency is
/// measured from outside, see Benchmarks/).
package enum MetricType: String, Sendable, Hashable {
    /// Only ever goes up (until the process restarts); its name ends in `_total`.
    case counter
    /// A value that goes up and down: a queue depth, rows pending, a timestamp.
    case gauge
}

/// One label of a sample: `name="value"`.
package struct MetricLabel: Sendable, Hashable {
    package var name: String
    package var value: String

    package init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// One value of a family with its labels.
package struct MetricSample: Sendable, Equatable {
    package var labels: [MetricLabel]
    package var value: Double

    package init(labels: [MetricLabel], value: Double) {
        self.labels = labels
        self.value = value
    }
}

/// All samples of one metric name, with its help text and type (one `# HELP` and one `# TYPE`).
package struct MetricFamily: Sendable, Equatable {
    package var name: String
    package var help: String
    package var type: MetricType
    package var samples: [MetricSample]

    package init(name: String, help: String, type: MetricType, samples: [MetricSample] = []) {
        self.name = name
        self.help = help
        self.type = type
        self.samples = samples
    }

    /// The value of the sample with exactly these labels, if there is one.
    package func value(_ labels: KeyValuePairs<String, String> = [:]) -> Double? {
        let wanted = labels.map { MetricLabel($0.key, $0.value) }
        return samples.first { $0.labels == wanted }?.value
    }
}
