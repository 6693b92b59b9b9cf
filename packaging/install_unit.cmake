# Installs examples/dialsoak@.service as the systemd unit, with ExecStart's /usr/bin
# replaced by the install prefix's bin directory. Included by the install(CODE) of
# packaging/CMakeLists.txt, at install time, with
#   DIALSOAK_UNIT_SOURCE        the example unit
#   DIALSOAK_UNIT_STAGING       a build directory for the rewritten file
#   DIALSOAK_UNIT_BINDIR        bin directory, relative to the prefix (or absolute)
#   DIALSOAK_UNIT_DESTINATION   unit directory, relative to the prefix (or absolute)
# file(INSTALL) honours DESTDIR (cpack stages through it) and the install manifest.
cmake_path(ABSOLUTE_PATH DIALSOAK_UNIT_BINDIR BASE_DIRECTORY "${CMAKE_INSTALL_PREFIX}"
           OUTPUT_VARIABLE bindir)
cmake_path(ABSOLUTE_PATH DIALSOAK_UNIT_DESTINATION BASE_DIRECTORY "${CMAKE_INSTALL_PREFIX}"
           OUTPUT_VARIABLE unitdir)

file(READ "${DIALSOAK_UNIT_SOURCE}" unit)
string(FIND "${unit}" "ExecStart=/usr/bin/dialsoak " at)
if(at EQUAL -1)
  message(FATAL_ERROR "${DIALSOAK_UNIT_SOURCE}: no 'ExecStart=/usr/bin/dialsoak ' line to point at ${bindir}")
endif()
string(REPLACE "ExecStart=/usr/bin/dialsoak " "ExecStart=${bindir}/dialsoak " unit "${unit}")

file(MAKE_DIRECTORY "${DIALSOAK_UNIT_STAGING}")
file(WRITE "${DIALSOAK_UNIT_STAGING}/dialsoak@.service" "${unit}")
file(INSTALL DESTINATION "${unitdir}" TYPE FILE PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
     FILES "${DIALSOAK_UNIT_STAGING}/dialsoak@.service")
