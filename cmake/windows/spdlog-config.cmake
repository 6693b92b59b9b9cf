# spdlog for the Windows cross build (scripts/windows): Debian's headers, header-only mode
# (no SPDLOG_COMPILED_LIB), on fmt built from Debian's source.
include(CMakeFindDependencyMacro)
find_dependency(fmt)
find_dependency(Threads)
if(NOT TARGET spdlog::spdlog)
  add_library(spdlog::spdlog INTERFACE IMPORTED)
  set_target_properties(spdlog::spdlog PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${CMAKE_CURRENT_LIST_DIR}/../../../include"
    INTERFACE_COMPILE_DEFINITIONS SPDLOG_FMT_EXTERNAL
    INTERFACE_LINK_LIBRARIES "fmt::fmt;Threads::Threads")
endif()
set(spdlog_FOUND TRUE)
