// Exit codes of the exceptions that stop a command (README "Exit codes").
#include "core/errors.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>

namespace {

// Internal errors (bugs) exit 4, apart from I/O (3) and configuration (2).
TEST(ExitCodes, InternalErrorsHaveTheirOwnCode) {
  EXPECT_EQ(netconv::exit_for(std::logic_error("broken invariant")).code, 4);
  EXPECT_EQ(netconv::exit_for(std::out_of_range("vector::at")).code, 4);
  EXPECT_EQ(netconv::exit_for(std::runtime_error("unexpected")).code, 4);
  EXPECT_EQ(netconv::exit_for(netconv::IoError("cannot open")).code, 3);
  EXPECT_EQ(netconv::exit_for(std::filesystem::filesystem_error("mkdir", std::make_error_code(std::errc::permission_denied))).code, 3);
  EXPECT_EQ(netconv::exit_for(netconv::ConfigError("bad table")).code, 2);
  EXPECT_STREQ(netconv::exit_for(std::logic_error("x")).what_kind, "internal error");
}

}  // namespace
