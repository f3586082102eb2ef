import MetricsExposition
import Testing

/// The text renderer and the collector: escaping, one HELP/TYPE per family however many sources
/// add to it, and output that stays valid whatever names and values sources hand in.
@Suite("Prometheus text format 0.0.4")
struct PrometheusTextFormatTests {
    /// A source with fixed samples, standing in for a listener or queue.
    struct FixedSource: MetricsSource {
        var stream: String
        var queued: Int
        var depth: Int

        func collectMetrics(into collector: inout MetricsCollector) {
            collector.counter(
                "callwarden_stream_events_queued_total", help: "Events queued.", labels: ["stream": stream], value: queued)
            collector.gauge("callwarden_stream_depth", help: "Events waiting.", labels: ["stream": stream], value: depth)
        }
    }

    @Test("label values escape backslash, double quote and newline; help escapes backslash and newline")
    func escaping() {
        var collector = MetricsCollector()
        collector.counter(
            "callwarden_cdr_lines_total", help: "Lines\nread from C:\\cdr, \"quoted\".",
            labels: ["file": "/var/log/a\\b\"c\nd.csv"], value: 3)
        let text = PrometheusTextFormat.render(collector.families)
        #expect(
            text == """
                # HELP callwarden_cdr_lines_total Lines\\nread from C:\\\\cdr, "quoted".
                # TYPE callwarden_cdr_lines_total counter
                callwarden_cdr_lines_total{file="/var/log/a\\\\b\\"c\\nd.csv"} 3

                """)
    }

    @Test("samples of one family from several sources share one HELP and one TYPE line, in registration order")
    func oneHeaderPerFamily() {
        let registry = MetricsRegistry([FixedSource(stream: "push:a", queued: 1, depth: 0)])
        registry.register(FixedSource(stream: "ami", queued: 7, depth: 2))
        let text = registry.prometheusText()
        #expect(
            text == """
                # HELP callwarden_stream_events_queued_total Events queued.
                # TYPE callwarden_stream_events_queued_total counter
                callwarden_stream_events_queued_total{stream="push:a"} 1
                callwarden_stream_events_queued_total{stream="ami"} 7
                # HELP callwarden_stream_depth Events waiting.
                # TYPE callwarden_stream_depth gauge
                callwarden_stream_depth{stream="push:a"} 0
                callwarden_stream_depth{stream="ami"} 2

                """)
        let types = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }
        #expect(types.count == Set(types).count)
    }

    @Test("a name declared with another type, or a repeated series, is left out and counted; the output stays valid")
    func conflictsAreLeftOut() {
        var collector = MetricsCollector()
        collector.counter("callwarden_x_total", help: "X.", labels: ["a": "1"], value: 1)
        collector.gauge("callwarden_x_total", help: "X as a gauge.", labels: ["a": "2"], value: 5)
        collector.counter("callwarden_x_total", help: "X.", labels: ["a": "1"], value: 9)
        #expect(collector.conflicts == 2)
        #expect(collector.family("callwarden_x_total")?.samples == [MetricSample(labels: [MetricLabel("a", "1")], value: 1)])
        let text = PrometheusTextFormat.render(collector.families)
        #expect(text.split(separator: "\n").filter { $0 == "# TYPE callwarden_x_total counter" }.count == 1)
        #expect(!text.contains(" 5\n") && !text.contains(" 9\n"))
    }

    @Test("invalid metric and label names are made valid; families without samples are not written")
    func namesAndEmptyFamilies() {
        var collector = MetricsCollector()
        collector.declare("callwarden_never_total", help: "Nothing yet.", type: .counter)
        collector.gauge("callwarden-queue depth", help: "Depth.", labels: ["1st label": "v", "ok:no": "w"], value: 1)
        let text = PrometheusTextFormat.render(collector.families)
        #expect(!text.contains("callwarden_never_total"))
        #expect(text.contains("callwarden_queue_depth{_1st_label=\"v\",ok_no=\"w\"} 1\n"))
        #expect(PrometheusTextFormat.validName("ns:sub_name", allowColon: true) == "ns:sub_name")
        #expect(PrometheusTextFormat.validName("", allowColon: false) == "_")
    }

    @Test("values: whole numbers as integers, fractions shortest, NaN and infinities spelt as the format wants")
    func values() {
        #expect(PrometheusTextFormat.format(0) == "0")
        #expect(PrometheusTextFormat.format(18_446_744_073_709) == "18446744073709")
        #expect(PrometheusTextFormat.format(-3) == "-3")
        #expect(PrometheusTextFormat.format(1_700_000_000.25) == "1700000000.25")
        #expect(PrometheusTextFormat.format(1e20) == "1e+20")
        #expect(PrometheusTextFormat.format(.nan) == "NaN")
        #expect(PrometheusTextFormat.format(.infinity) == "+Inf")
        #expect(PrometheusTextFormat.format(-.infinity) == "-Inf")
    }

    @Test("compact series for one log line drop the prefix and the quotes")
    func compactSeries() {
        var collector = MetricsCollector()
        FixedSource(stream: "ami", queued: 4, depth: 1).collectMetrics(into: &collector)
        let series = collector.compactSeries
        #expect(series.map(\.series) == ["stream_events_queued_total{stream=ami}", "stream_depth{stream=ami}"])
        #expect(series.map(\.value) == [4, 1])
    }

    @Test("atomic counter array: adds, stores, ignores indices out of range")
    func atomicCounterArray() {
        let counters = AtomicCounterArray(count: 2)
        counters.add(0)
        counters.add(0, 4)
        counters.store(1, 42)
        counters.add(2)
        counters.add(-1)
        #expect(counters.value(0) == 5)
        #expect(counters.value(1) == 42)
        #expect(counters.value(2) == 0)
    }
}
