# `cpack -G DEB` in the build tree writes netconv_<version>_amd64.deb: everything `cmake --install`
# installs, under /usr. The version is project()'s, the one `netconv --version` prints.
# Dependencies are computed by dpkg-shlibdeps (Debian's dpkg-dev) from the libraries the binary
# links, so they follow the build (libxml2, Boost.Program_options, jemalloc, libstdc++, libc).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME netconv)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "netconv")
set(CPACK_PACKAGE_CONTACT "netconv maintainers <dev@netconv.invalid>")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "netconv maintainers <dev@netconv.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "convert neuroendocrine tumor registry data to FHIR R4 and C-CDA 2.1")
set(CPACK_PACKAGE_DESCRIPTION
  "netconv turns neuroendocrine tumor registry data (the NET registry CSV/NDJSON contract and
NAACCR XML exports) into HL7 FHIR R4 JSON shaped after mCODE STU4 and C-CDA 2.1 XML, driven by
mapping tables that cite their sources, and validates every output before writing it.")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# A shared library of this project that the binary links is found in the build tree, where
# dpkg-shlibdeps can read it (it has no shlibs entry of its own elsewhere).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR})
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion, npm")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
include(CPack)
