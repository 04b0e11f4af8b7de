/*
 * fuzz: every harness defines LLVMFuzzerTestOneInput. Built with clang and
 * libFuzzer by `make fuzz`; built with the project's compiler and replay.c
 * by `make test`, which runs every corpus file once under ASan and UBSan.
 */
#ifndef RECRUITD_FUZZ_H
#define RECRUITD_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
