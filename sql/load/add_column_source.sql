-- load/add_column_source.sql — one contract column's source as people see
-- it into tn_column_sources: $1 table, $2 column, $3 the mapping's column
-- ("sql" for an expression), all bound.
INSERT INTO tn_column_sources VALUES ($1, $2, $3)
