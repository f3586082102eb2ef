import CDRParsing
import CallModel
import Testing
import SyntheticRandom

@Suite("Buffer slicing and mutations")
struct RobustnessTests {
    /// The same line decodes the same wherever its bytes sit: a fresh decoder or a warm one, an
    /// array, a slice with a non-zero start, a raw buffer carved out of a larger one with
    /// neighbouring bytes that must not be read.
    @Test("same result regardless of buffer slicing", arguments: Array(Fixture.validLines.indices))
    func dripFeed(index: Int) throws {
        let (format, text) = Fixture.validLines[index]
        let line = Array(text.utf8)
        var fresh = Fixture.decoder(format)
        let expected = try #require(try fresh.decode(line))

        var warm = Fixture.decoder(format)
        for (_, other) in Fixture.validLines where other != text { _ = try? warm.decode(other) }
        #expect(try warm.decode(line) == expected)

        let padding: [UInt8] = Array("\",{\\\"}\r\n".utf8)
        for prefixLength in [0, 1, 7, 64] {
            for suffixLength in [0, 1, 3, 9] {
                let before = (0..<prefixLength).map { padding[$0 % padding.count] }
                let after = (0..<suffixLength).map { padding[$0 % padding.count] }
                let buffer = before + line + after
                let slice = buffer[prefixLength..<(prefixLength + line.count)]
                #expect(try warm.decode(slice) == expected)
                let viaRawBuffer = try buffer.withUnsafeBytes { raw throws(CDRLineError) -> CallEvent? in
                    var decoder = Fixture.decoder(format)
                    return try decoder.decode(UnsafeRawBufferPointer(rebasing: raw[prefixLength..<(prefixLength + line.count)]))
                }
                #expect(viaRawBuffer == expected)
            }
        }
        #expect(try warm.decode(line + [UInt8(ascii: "\r")]) == expected)
    }

    /// Truncations of a valid line at every length never trap and never decode to a different call
    /// silently (a prefix either fails or, for the few prefixes that are still complete, succeeds).
    @Test("every prefix of every valid line", arguments: Array(Fixture.validLines.indices))
    func prefixes(index: Int) {
        let (format, text) = Fixture.validLines[index]
        let line = Array(text.utf8)
        var decoder = Fixture.decoder(format)
        var failures = 0
        for length in 0..<line.count {
            do { _ = try decoder.decode(line[..<length]) } catch { failures += 1 }
        }
        // The empty prefix is blank (nil) and the longest proper prefix of every fixture is broken.
        #expect(failures >= 1)
        #expect(failures < line.count)
    }

    /// A few thousand pseudo-random mutations of valid lines through every decoder: no trap, and
    /// both outcomes occur (so the mutations really exercise the error paths).
    @Test func pseudoRandomMutationsNeverTrap() {
        var random = SplitMix64(state: 0x00C0_FFEE)
        let interesting: [UInt8] = Array("\",{}[]:\\u0-+.eE \t\r".utf8) + [0x00, 0x7F, 0x80, 0xBF, 0xC3, 0xED, 0xF4, 0xFF]
        let lines = Fixture.validLines.map { Array($0.1.utf8) }
        var decoders = CDRFormat.allCases.map { Fixture.decoder($0) }
        var decoded = 0
        var failed = 0
        let iterations = 4_000
        for _ in 0..<iterations {
            var line = lines[Int(random.next() % UInt64(lines.count))]
            for _ in 0...(random.next() % 4) {
                let position = line.isEmpty ? 0 : Int(random.next() % UInt64(line.count))
                let byte = random.next() % 2 == 0
                    ? interesting[Int(random.next() % UInt64(interesting.count))]
                    : UInt8(truncatingIfNeeded: random.next())
                switch random.next() % 5 {
                case 0 where !line.isEmpty: line[position] = byte
                case 1 where !line.isEmpty: line.remove(at: position)
                case 2: line.insert(byte, at: position)
                case 3: line = Array(line.prefix(position))
                default:
                    let length = min(Int(random.next() % 12), line.count - position)
                    line.insert(contentsOf: line[position..<(position + length)], at: position)
                }
            }
            for index in decoders.indices {
                do {
                    if try decoders[index].decode(line) != nil { decoded += 1 }
                } catch {
                    failed += 1
                    #expect(!error.description.isEmpty)
                }
            }
        }
        #expect(decoded > 0)
        #expect(failed > 0)
        #expect(decoded + failed <= iterations * decoders.count)
    }
}
