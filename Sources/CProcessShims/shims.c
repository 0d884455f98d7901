#define _GNU_SOURCE
#include <fcntl.h>
#include <malloc.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <unistd.h>
#include "CProcessShims.h"

int hms_spawn_closefrom(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

int hms_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

int hms_become_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int hms_release_free_memory(void) {
    return malloc_trim(0);
}

int hms_limit_malloc_arenas(int count) {
    return mallopt(M_ARENA_MAX, count);
}
