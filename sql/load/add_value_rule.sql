-- load/add_value_rule.sql — one rule of a categorical column's value map
-- into tn_value_rules (load/setup.sql says what each is): $1 table, $2
-- column, $3 priority, $4 pattern (lower case), $5 whether it is a glob,
-- $6 the contract value it gives; all bound.
INSERT INTO tn_value_rules
VALUES ($1, $2, CAST($3 AS INTEGER), $4, CAST($5 AS BOOLEAN), $6)
