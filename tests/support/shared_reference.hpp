// Tests whose oracle is reference material in ../shared (official samples, examples, schemas,
// oracle fixtures). A user's clone has no ../shared beside it: such a test must then be reported
// as skipped, naming what it needed, never pass without its oracle. With ../shared present (CI,
// dev machines) it runs. Use at the top of a TEST body, once per path it reads.
#pragma once
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#define NETCONV_NEEDS_SHARED(needed)                                                               \
  do {                                                                                             \
    const std::filesystem::path netconv_needed_{needed};                                           \
    if (!std::filesystem::exists(netconv_needed_))                                                 \
      GTEST_SKIP() << "skipped: needs " << netconv_needed_.string()                                \
                   << " (reference material from ../shared, absent beside this clone)";            \
  } while (0)
