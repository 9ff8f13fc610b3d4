-- sandbox/allowed_paths.sql — the files `tenure sql --allow-files` lets a
-- query read, each as given and as an absolute path. var('paths') is
-- "$1, $2, ..., $n", one parameter per path; the paths themselves are bound.
SET allowed_paths = [{{ var('paths') }}]
