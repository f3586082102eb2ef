/// Compares a presented secret with the configured one in time that depends only on their lengths,
/// not on where they first differ, so that timing does not reveal a prefix of the secret.
/// Deliberately not handled: hiding the secret's length (the loop runs over the longer of the two).
enum SecretComparison {
    static func matches(_ presented: some Collection<UInt8>, _ expected: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: presented.count ^ expected.count)
        difference |= UInt8(truncatingIfNeeded: (presented.count ^ expected.count) >> 8)
        var presentedIterator = presented.makeIterator()
        let length = max(presented.count, expected.count)
        for index in 0..<length {
            let left = presentedIterator.next() ?? 0
            let right = index < expected.count ? expected[index] : 0
            difference |= left ^ right
        }
        return difference == 0 && presented.count == expected.count
    }
}
