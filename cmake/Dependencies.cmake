# Dependencies.cmake — find the libraries of design.md §2 and expose each as
# an imported target tn::<name>. scripts/bootstrap.sh installs them first.
#
# DuckDB is not packaged by Debian: a system libduckdb (pkg-config or the
# usual library directories) is preferred; otherwise the copy bootstrap.sh
# unpacked into .deps/duckdb/ is used, and the binary finds it by rpath.

find_package(PkgConfig REQUIRED)

function(tn_pkg_target name module)
  pkg_check_modules(PC_${name} REQUIRED IMPORTED_TARGET ${module})
  add_library(tn::${name} ALIAS PkgConfig::PC_${name})
endfunction()

tn_pkg_target(gsl gsl)
tn_pkg_target(jansson jansson)
tn_pkg_target(microhttpd libmicrohttpd)
tn_pkg_target(xgboost xgboost)
# libyaml reads the project file (tenure.yml); zlib lets the loader find the
# lines of problems in gzip'd exports.
tn_pkg_target(yaml yaml-0.1)
tn_pkg_target(zlib zlib)
# libcurl (the OpenSSL flavour) sends the alerts' webhooks, http and https.
tn_pkg_target(curl libcurl)
# OpenSSL's libcrypto: SHA-256 for the alerts' idempotency keys (common/sha256.h).
tn_pkg_target(crypto libcrypto)

pkg_check_modules(PC_DUCKDB QUIET duckdb)
set(TN_DEPS_DUCKDB ${CMAKE_SOURCE_DIR}/.deps/duckdb)
# System locations are searched first; .deps/ is the fallback.
find_library(DUCKDB_LIBRARY NAMES duckdb
             HINTS ${PC_DUCKDB_LIBRARY_DIRS}
             PATHS ${TN_DEPS_DUCKDB}/lib)
find_path(DUCKDB_INCLUDE_DIR duckdb.h
          HINTS ${PC_DUCKDB_INCLUDE_DIRS}
          PATHS ${TN_DEPS_DUCKDB}/include)
if(NOT DUCKDB_LIBRARY OR NOT DUCKDB_INCLUDE_DIR)
  message(FATAL_ERROR "DuckDB not found: run scripts/bootstrap.sh (make does it for you)")
endif()
get_filename_component(DUCKDB_LIBRARY_DIR ${DUCKDB_LIBRARY} DIRECTORY)
message(STATUS "DuckDB: ${DUCKDB_LIBRARY}")

add_library(tn::duckdb SHARED IMPORTED GLOBAL)
set_target_properties(tn::duckdb PROPERTIES IMPORTED_LOCATION ${DUCKDB_LIBRARY})
# SYSTEM: duckdb.h is not ours and does not meet our warning flags.
target_include_directories(tn::duckdb SYSTEM INTERFACE ${DUCKDB_INCLUDE_DIR})

if(TENURE_TESTS)
  pkg_check_modules(PC_CMOCKA REQUIRED IMPORTED_TARGET cmocka)
  add_library(tn::cmocka ALIAS PkgConfig::PC_CMOCKA)
endif()
