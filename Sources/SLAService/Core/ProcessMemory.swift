import CProcessShims

/// How the process keeps its memory small (glibc malloc, Linux).
public enum ProcessMemory {
    /// glibc gives every thread that allocates under contention an arena of its own (up to eight
    /// per core), and each arena keeps what was freed in it. Our threads (event loops, the task
    /// pool) mostly hand work to each other; two arenas took ~40 MiB off the collector's memory
    /// at 200,000 series, with no CPU cost measured. Call before the first threads start.
    public static func limitArenas(_ count: Int32 = 2) {
        _ = hms_limit_malloc_arenas(count)
    }

    /// Gives the pages malloc holds free back to the system: after a burst of short-lived
    /// allocations (a flush of minutes: rows, blocks, bound arrays, ~100 bytes a series) they
    /// would otherwise stay in the process, counted as its memory until the next burst.
    package static func releaseFree() {
        _ = hms_release_free_memory()
    }
}
