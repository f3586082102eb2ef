/// DEFLATE (RFC 1951) decompression for HEPv3 compressed payloads (chunk 0x0010), with the zlib
/// (RFC 1950) or gzip (RFC 1952) wrapper detected and stepped over. Pure and bounded: output stops
/// at `maxOutputBytes`, every read is checked, and any inconsistency returns nil.
///
/// Deliberately not handled: checksums (Adler-32/CRC-32 are not verified), preset dictionaries,
/// and speed (bit-by-bit Huffman decoding; compressed HEP is rare and small).
package enum Inflater {
    private struct Failure: Error {}

    package static func inflate(_ bytes: UnsafeRawBufferPointer, maxOutputBytes: Int) -> [UInt8]? {
        guard let start = bodyStart(bytes) else { return nil }
        var state = State(bytes: bytes, position: start, maxOutput: maxOutputBytes)
        do {
            var last = false
            while !last {
                last = try state.bits(1) == 1
                switch try state.bits(2) {
                case 0: try state.stored()
                case 1: try state.codes(literals: Tables.fixedLiterals, distances: Tables.fixedDistances)
                case 2: try state.dynamic()
                default: throw Failure()
                }
            }
            return state.output
        } catch {
            return nil
        }
    }

    /// Where the DEFLATE stream starts after a zlib or gzip header (or 0 for raw DEFLATE).
    private static func bodyStart(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 2 else { return nil }
        let first = bytes.uint8(at: 0)
        let second = bytes.uint8(at: 1)
        if first == 0x1f && second == 0x8b {
            guard bytes.count >= 10, bytes.uint8(at: 2) == 8 else { return nil }
            let flags = bytes.uint8(at: 3)
            var offset = 10
            if flags & 0x04 != 0 {
                guard offset + 2 <= bytes.count else { return nil }
                offset += 2 + Int(bytes.littleEndianUInt16(at: offset))
            }
            for flag in [UInt8(0x08), 0x10] where flags & flag != 0 {
                while offset < bytes.count && bytes.uint8(at: offset) != 0 { offset += 1 }
                offset += 1
            }
            if flags & 0x02 != 0 { offset += 2 }
            return offset <= bytes.count ? offset : nil
        }
        if first & 0x0f == 8 && (UInt16(first) << 8 | UInt16(second)) % 31 == 0 {
            return second & 0x20 == 0 ? 2 : nil
        }
        return 0
    }

    /// A canonical Huffman code as counts per length and symbols in code order.
    struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int]

        init?(lengths: ArraySlice<Int>) {
            symbols = [Int](repeating: 0, count: lengths.count)
            for length in lengths { counts[length] += 1 }
            var left = 1
            for length in 1..<16 {
                left = left * 2 - counts[length]
                if left < 0 { return nil }
            }
            var offsets = [Int](repeating: 0, count: 16)
            for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
            for (symbol, length) in lengths.enumerated() where length != 0 {
                symbols[offsets[length]] = symbol
                offsets[length] += 1
            }
        }
    }

    private enum Tables {
        static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
        static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
        static let distanceBase = [
            1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
            4097, 6145, 8193, 12289, 16385, 24577,
        ]
        static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
        static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        static let fixedLiterals: Huffman = {
            let lengths = (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 }
            return Huffman(lengths: lengths[...])!
        }()
        static let fixedDistances: Huffman = Huffman(lengths: [Int](repeating: 5, count: 30)[...])!
    }

    private struct State {
        let bytes: UnsafeRawBufferPointer
        var position: Int
        let maxOutput: Int
        var bitBuffer = 0
        var bitCount = 0
        var output: [UInt8] = []

        init(bytes: UnsafeRawBufferPointer, position: Int, maxOutput: Int) {
            self.bytes = bytes
            self.position = position
            self.maxOutput = maxOutput
        }

        mutating func bits(_ count: Int) throws -> Int {
            while bitCount < count {
                guard position < bytes.count else { throw Failure() }
                bitBuffer |= Int(bytes.uint8(at: position)) << bitCount
                position += 1
                bitCount += 8
            }
            let value = bitBuffer & ((1 << count) - 1)
            bitBuffer >>= count
            bitCount -= count
            return value
        }

        mutating func stored() throws {
            bitBuffer = 0
            bitCount = 0
            guard position + 4 <= bytes.count else { throw Failure() }
            let length = Int(bytes.littleEndianUInt16(at: position))
            guard length == Int(~bytes.littleEndianUInt16(at: position + 2)) else { throw Failure() }
            position += 4
            guard position + length <= bytes.count, output.count + length <= maxOutput else { throw Failure() }
            output.append(contentsOf: bytes.slice(position..<(position + length)))
            position += length
        }

        mutating func decode(_ code: Huffman) throws -> Int {
            var value = 0
            var first = 0
            var index = 0
            for length in 1..<16 {
                value |= try bits(1)
                let count = code.counts[length]
                if value - count < first { return code.symbols[index + (value - first)] }
                index += count
                first = (first + count) << 1
                value <<= 1
            }
            throw Failure()
        }

        mutating func codes(literals: Huffman, distances: Huffman) throws {
            while true {
                let symbol = try decode(literals)
                if symbol < 256 {
                    guard output.count < maxOutput else { throw Failure() }
                    output.append(UInt8(symbol))
                    continue
                }
                if symbol == 256 { return }
                let lengthIndex = symbol - 257
                guard lengthIndex < 29 else { throw Failure() }
                let length = Tables.lengthBase[lengthIndex] + (try bits(Tables.lengthExtra[lengthIndex]))
                let distanceSymbol = try decode(distances)
                guard distanceSymbol < 30 else { throw Failure() }
                let distance = Tables.distanceBase[distanceSymbol] + (try bits(Tables.distanceExtra[distanceSymbol]))
                guard distance <= output.count, output.count + length <= maxOutput else { throw Failure() }
                let from = output.count - distance
                for offset in 0..<length { output.append(output[from + offset]) }
            }
        }

        mutating func dynamic() throws {
            let literalCount = try bits(5) + 257
            let distanceCount = try bits(5) + 1
            let codeLengthCount = try bits(4) + 4
            guard literalCount <= 286, distanceCount <= 30 else { throw Failure() }
            var codeLengths = [Int](repeating: 0, count: 19)
            for index in 0..<codeLengthCount { codeLengths[Tables.codeLengthOrder[index]] = try bits(3) }
            guard let lengthCode = Huffman(lengths: codeLengths[...]) else { throw Failure() }
            var lengths: [Int] = []
            while lengths.count < literalCount + distanceCount {
                let symbol = try decode(lengthCode)
                if symbol < 16 {
                    lengths.append(symbol)
                    continue
                }
                var repeated = 0
                var count: Int
                switch symbol {
                case 16:
                    guard let previous = lengths.last else { throw Failure() }
                    repeated = previous
                    count = 3 + (try bits(2))
                case 17: count = 3 + (try bits(3))
                default: count = 11 + (try bits(7))
                }
                guard lengths.count + count <= literalCount + distanceCount else { throw Failure() }
                lengths.append(contentsOf: repeatElement(repeated, count: count))
            }
            guard lengths[256] != 0,
                let literals = Huffman(lengths: lengths[0..<literalCount]),
                let distances = Huffman(lengths: lengths[literalCount...])
            else { throw Failure() }
            try codes(literals: literals, distances: distances)
        }
    }
}
