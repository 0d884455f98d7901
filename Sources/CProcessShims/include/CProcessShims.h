#ifndef HMS_OPS_CPROCESSSHIMS_H
#define HMS_OPS_CPROCESSSHIMS_H

#include <spawn.h>

/// Asks posix_spawn to close every descriptor from `from` up in the child (glibc's closefrom action).
int hms_spawn_closefrom(posix_spawn_file_actions_t *actions, int from);

/// A close-on-exec pipe: fds[0] reads, fds[1] writes.
int hms_pipe_cloexec(int fds[2]);

#endif
