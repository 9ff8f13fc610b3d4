# targets.cmake — the fuzz targets, tests/fuzz/fuzz_<name>.c each: built by
# tests/fuzz/CMakeLists.txt, run briefly by ctest (tests/CMakeLists.txt).
set(TN_FUZZ_TARGETS request http csv_lines mapping values)
