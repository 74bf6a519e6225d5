// NETCONV_API marks what the netconv library exports. The shared library is built with hidden
// visibility, so only declarations carrying it (the public API in netconv.hpp) are visible to a
// program that links it; everything else in the library stays internal and may change freely.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define NETCONV_API __attribute__((visibility("default")))
#else
#define NETCONV_API
#endif
