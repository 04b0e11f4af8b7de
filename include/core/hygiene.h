/*
 * hygiene: what a process holding keys does about its own memory (DESIGN
 * "Process hygiene"): no core dumps, which would hold the keyring and every
 * unwrapped key in the cache, unless RECRUITD_ALLOW_CORE_DUMPS=1 asks for
 * them (a developer chasing a crash). Key material itself is wiped when
 * released and kept in locked memory by its owners (store/keyring.c,
 * store/keycache.c). Call it once, before any key is read.
 */
#ifndef RECRUITD_CORE_HYGIENE_H
#define RECRUITD_CORE_HYGIENE_H

#include <stdbool.h>

/*
 * Unless allow: the process made non-dumpable (prctl PR_SET_DUMPABLE 0:
 * no core file, no ptrace by the same user) and RLIMIT_CORE set to 0. A
 * failure is logged, not fatal.
 */
void hygiene_no_core_dumps(bool allow);

#endif
