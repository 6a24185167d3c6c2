# The engine version is taken from git at build time (not only at configure time):
# a custom target rewrites version_generated.cpp whenever `git describe` changes.
set(VOCLOUD_VERSION_CPP ${CMAKE_BINARY_DIR}/generated/version_generated.cpp)
add_custom_target(vocloud_version_stamp
  COMMAND ${CMAKE_COMMAND}
          -DSOURCE_DIR=${CMAKE_SOURCE_DIR}
          -DOUTPUT=${VOCLOUD_VERSION_CPP}
          -DBASE_VERSION=${PROJECT_VERSION}
          -P ${CMAKE_SOURCE_DIR}/cmake/write_version.cmake
  BYPRODUCTS ${VOCLOUD_VERSION_CPP}
  COMMENT "Stamping the vocloud version from git"
  VERBATIM)
