#ifndef HMS_OPS_CPROCESSSHIMS_H
#define HMS_OPS_CPROCESSSHIMS_H

#include <spawn.h>

/// Asks posix_spawn to close every descriptor from `from` up in the child (glibc's closefrom action).
int hms_spawn_closefrom(posix_spawn_file_actions_t *actions, int from);

/// A close-on-exec pipe: fds[0] reads, fds[1] writes.
int hms_pipe_cloexec(int fds[2]);

/// Makes this process the reaper of orphaned descendants (Linux PR_SET_CHILD_SUBREAPER), so a
/// server started through a daemonizing tool is reaped by us, not left a zombie under init.
int hms_become_subreaper(void);

/// Gives the pages malloc holds free back to the system (glibc malloc_trim): after a burst of
/// short-lived allocations they would otherwise stay in the process, counted as its memory.
int hms_release_free_memory(void);

/// Caps the number of glibc malloc arenas (M_ARENA_MAX).
int hms_limit_malloc_arenas(int count);

#endif
