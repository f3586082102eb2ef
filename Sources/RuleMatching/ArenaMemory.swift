#if canImport(Glibc)
    import Glibc
#endif

/// The arena's one allocation. Arenas of 2 MiB or more are aligned to 2 MiB and offered to the
/// kernel for transparent huge pages (`madvise(MADV_HUGEPAGE)`, before the memory is first
/// touched): a decision at a million rules reads one random cache line of a ~64 MB arena, and
/// with 4 KiB pages each such read also misses the TLB (a page walk of its own, measured at about
/// a third of the miss on the development machine). Where the kernel gives no huge pages (THP
/// `never`, other systems) the advice is ignored and the arena works the same.
enum ArenaMemory {
    static let hugePageBytes = 2 << 20

    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        guard byteCount >= hugePageBytes else {
            return UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
        }
        let arena = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: hugePageBytes)
        #if os(Linux)
            _ = madvise(arena, byteCount & ~(hugePageBytes - 1), MADV_HUGEPAGE)
        #endif
        return arena
    }
}
