package import CallModel
package import Logging

/// Wraps the process's log handler so that no message or metadata value can forge a log line:
/// every control or format character in them (a newline in an API `by` field, an escape sequence
/// or bidi control in a caller name or a PBX's text) is written as `\u{XXXX}` (``InertText/line``).
/// One place for every logger of the process: callers, PBXs and clients reach the log through
/// many modules' metadata, and none of them has to remember to escape.
///
/// Deliberately not handled: the message and metadata keys' length (a client's text is already
/// bounded where it is read).
///
/// The level is the process's (``ProcessLogLevel``, which a reload changes) unless a logger sets
/// its own.
package struct InertLogHandler: LogHandler {
    package var wrapped: any LogHandler
    private let processLevel: ProcessLogLevel
    private var ownLevel: Logger.Level?

    package init(wrapping handler: any LogHandler, level: ProcessLogLevel = .shared) {
        self.wrapped = handler
        self.processLevel = level
    }

    package var logLevel: Logger.Level {
        get { ownLevel ?? processLevel.level }
        set { ownLevel = newValue }
    }

    package var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = Self.inert(newValue) }
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue.map(Self.inert) }
    }

    package func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        wrapped.log(
            level: level, message: "\(InertText.line(message.description))", metadata: metadata.map(Self.inert),
            source: source, file: file, function: function, line: line)
    }

    package static func inert(_ metadata: Logger.Metadata) -> Logger.Metadata {
        var result: Logger.Metadata = [:]
        for (key, value) in metadata { result[InertText.line(key)] = inert(value) }
        return result
    }

    package static func inert(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(InertText.line(text))
        case .stringConvertible(let convertible): .string(InertText.line(convertible.description))
        case .array(let values): .array(values.map(inert))
        case .dictionary(let values): .dictionary(inert(values))
        }
    }
}
