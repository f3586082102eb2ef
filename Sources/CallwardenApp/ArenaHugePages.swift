#if canImport(Glibc)
    import Glibc
#endif

/// The daemon's advice for rule snapshot arenas (``RuleMatching/RuleSnapshotCompiler/ArenaAdvice``):
/// transparent huge pages, `madvise(MADV_HUGEPAGE)`. Where the kernel gives none (THP `never`, or
/// not Linux) the arena works the same on ordinary pages. Measured at 1M rules on the development
/// VM (THP `madvise`): ~10 % off a decision (Benchmarks/RESULTS-matcher.md).
enum ArenaHugePages {
    @Sendable static func advise(_ start: UnsafeMutableRawPointer, _ bytes: Int) {
        #if os(Linux)
            _ = madvise(start, bytes, MADV_HUGEPAGE)
        #endif
    }
}
