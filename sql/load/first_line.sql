-- load/first_line.sql — the first line of a text file, whole (no delimiter,
-- no quotes), for reading its header ourselves: $1 the path, $2 its
-- encoding (utf-8, latin-1 or utf-16), both bound. gzip'd files are read
-- too. No row: the file is empty.
SELECT h
FROM read_csv($1, header = false, auto_detect = false, columns = {'h': 'VARCHAR'},
              delim = E'\x01', quote = '', escape = '', encoding = $2,
              compression = 'auto', ignore_errors = true)
LIMIT 1
