# Cross-compiling for 64-bit Windows with Debian's mingw-w64 (scripts/windows uses it).
# The -posix variant of the compilers: the default (win32 threads) one has no std::thread.
# Libraries and packages are looked up only under DIALSOAK_WINDOWS_PREFIX, the staging
# prefix scripts/windows builds the dependencies into; never in the host's /usr.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)

if(NOT DIALSOAK_WINDOWS_PREFIX AND DEFINED ENV{DIALSOAK_WINDOWS_PREFIX})
  set(DIALSOAK_WINDOWS_PREFIX "$ENV{DIALSOAK_WINDOWS_PREFIX}")
endif()
# try_compile projects see the prefix too.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES DIALSOAK_WINDOWS_PREFIX)

set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32 ${DIALSOAK_WINDOWS_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Self-contained programs: libstdc++, libgcc and winpthread linked in, no DLLs to ship.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
