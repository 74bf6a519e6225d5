# The public C++ library (include/netconv/netconv.hpp): its sources join netconv_lib, the
# internal static library the CLI and the tests link, and the same objects make the installed
# libraries:
#   netconv::netconv         libnetconv.so.<SOVERSION>  (target netconv_shared)
#   netconv::netconv_static  libnetconv.a               (target netconv_static)
# plus lib/cmake/netconv/netconvConfig.cmake (+ version file, targets) and lib/pkgconfig/netconv.pc.
# Every object is built position-independent with hidden visibility: only what export.hpp's
# NETCONV_API marks is visible from the shared library. libxml2, valijson and nlohmann_json are
# private: a consumer of the shared library needs none of them; one linking the static library
# needs libxml2 and the thread library (declared in the config file and in the .pc's private
# fields).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

file(GLOB NETCONV_API_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/api/*.cpp)
target_sources(netconv_lib PRIVATE ${NETCONV_API_SOURCES})
# private: the internal code and its tests do not see the public header unless they ask for it
# (tests/unit/api), so adding it changed no other file's compile flags
target_include_directories(netconv_lib PRIVATE ${PROJECT_SOURCE_DIR}/include)
set_target_properties(netconv_lib PROPERTIES
  POSITION_INDEPENDENT_CODE ON CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
# where the shared library finds its data: <prefix>/<libdir>/.. (src/api/engine.cpp)
set_property(SOURCE ${PROJECT_SOURCE_DIR}/src/api/engine.cpp APPEND PROPERTY COMPILE_DEFINITIONS
  NETCONV_INSTALL_LIBDIR="${CMAKE_INSTALL_LIBDIR}")

# Sanitizer and fuzzing builds instrument netconv_lib for their own runtimes: they test memory
# safety, not packaging, and build no installable library (install.consumer skips there).
if(NETCONV_SANITIZE OR NETCONV_FUZZ)
  return()
endif()

# ABI policy (README "Library"): before 1.0 every minor release may change the ABI, so the
# SONAME carries MAJOR.MINOR (libnetconv.so.0.1); from 1.0 on it carries MAJOR only.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(NETCONV_SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
  set(NETCONV_ABI_COMPATIBILITY SameMinorVersion)
else()
  set(NETCONV_SOVERSION ${PROJECT_VERSION_MAJOR})
  set(NETCONV_ABI_COMPATIBILITY SameMajorVersion)
endif()

add_library(netconv_shared SHARED $<TARGET_OBJECTS:netconv_lib>)
add_library(netconv_static STATIC $<TARGET_OBJECTS:netconv_lib>)
add_library(netconv::netconv ALIAS netconv_shared)
add_library(netconv::netconv_static ALIAS netconv_static)
set_target_properties(netconv_shared PROPERTIES
  OUTPUT_NAME netconv EXPORT_NAME netconv VERSION ${PROJECT_VERSION} SOVERSION ${NETCONV_SOVERSION})
set_target_properties(netconv_static PROPERTIES OUTPUT_NAME netconv EXPORT_NAME netconv_static)
foreach(lib netconv_shared netconv_static)
  target_include_directories(${lib} INTERFACE
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(${lib} INTERFACE cxx_std_20)
  target_link_libraries(${lib} PRIVATE LibXml2::LibXml2 Threads::Threads)
endforeach()
# every symbol the objects need is resolved when the shared library is linked, not in a consumer
target_link_options(netconv_shared PRIVATE LINKER:--no-undefined)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/netconv DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT netconv_dev)
install(TARGETS netconv_shared EXPORT netconvTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT netconv_lib NAMELINK_COMPONENT netconv_dev)
install(TARGETS netconv_static EXPORT netconvStaticTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT netconv_dev)
set(NETCONV_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/netconv)
install(EXPORT netconvTargets NAMESPACE netconv:: DESTINATION ${NETCONV_CMAKE_DIR} COMPONENT netconv_dev)
install(EXPORT netconvStaticTargets NAMESPACE netconv:: DESTINATION ${NETCONV_CMAKE_DIR} COMPONENT netconv_dev)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/netconvConfig.cmake.in
  ${PROJECT_BINARY_DIR}/netconvConfig.cmake INSTALL_DESTINATION ${NETCONV_CMAKE_DIR})
# any 0.MINOR release is a different ABI (see NETCONV_SOVERSION): only the same minor matches
write_basic_package_version_file(${PROJECT_BINARY_DIR}/netconvConfigVersion.cmake
  COMPATIBILITY ${NETCONV_ABI_COMPATIBILITY})
install(FILES ${PROJECT_BINARY_DIR}/netconvConfig.cmake ${PROJECT_BINARY_DIR}/netconvConfigVersion.cmake
  DESTINATION ${NETCONV_CMAKE_DIR} COMPONENT netconv_dev)
# relocatable: the prefix is found from the .pc file's own folder (lib/pkgconfig or lib/<triplet>/pkgconfig)
file(RELATIVE_PATH NETCONV_PC_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" NETCONV_PC_PREFIX "${NETCONV_PC_PREFIX}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/netconv.pc.in ${PROJECT_BINARY_DIR}/netconv.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/netconv.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT netconv_dev)
