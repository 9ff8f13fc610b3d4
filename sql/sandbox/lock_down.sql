-- sandbox/lock_down.sql — the last step of opening a session for typed SQL
-- (`tenure sql`, src/warehouse/sandbox.h): DuckDB may touch no file but the
-- warehouse (and those sandbox/allowed_paths.sql granted, which must run
-- first, while external access is still on), install or load no extension
-- and keep no secret; then the configuration is locked, so the query itself
-- cannot undo any of it.
SET enable_external_access = false;
SET autoinstall_known_extensions = false;
SET autoload_known_extensions = false;
SET allow_community_extensions = false;
SET allow_unsigned_extensions = false;
SET allow_persistent_secrets = false;
SET lock_configuration = true;
