-- export/view.sql — the relation var('relation') over one Parquet file: the
-- columns of the contract, each cast to its contract type (a lossless
-- widening, warehouse/parquet_contract.h), in the contract's order; any other
-- column of the file is left out. var('columns') and var('relation') come
-- from the contract, var('path') is a quoted literal written by the caller.
CREATE OR REPLACE VIEW {{ var('relation') }} AS
SELECT {{ var('columns') }}
FROM read_parquet({{ var('path') }})
