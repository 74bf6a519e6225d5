// Readable names for value-parameterized tests. Every case struct has a `name`; CaseName turns it
// into the test's name suffix (INSTANTIATE_TEST_SUITE_P's fourth argument), and the struct's
// PrintTo (one line beside the struct: NETCONV_PRINT_CASE_AS_NAME) makes GoogleTest print it as
// that name in failure messages and --gtest_list_tests, instead of a byte dump of the struct.
// The CTest test unit.param_names_readable fails when any listed parameter prints as bytes.
#pragma once
#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <string>

namespace netconv::test_support {

// A test-name suffix from `name`: letters, digits and '_' only, as GoogleTest requires.
inline std::string test_name_suffix(std::string name) {
  for (auto& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

struct CaseName {
  template <class Param>
  std::string operator()(const ::testing::TestParamInfo<Param>& info) const {
    return test_name_suffix(info.param.name);
  }
};

}  // namespace netconv::test_support

// Defines PrintTo for `Type` (found by argument-dependent lookup, so use it in the namespace that
// declares the struct): the case prints as its name.
#define NETCONV_PRINT_CASE_AS_NAME(Type) \
  [[maybe_unused]] inline void PrintTo(const Type& c, std::ostream* os) { *os << c.name; }
