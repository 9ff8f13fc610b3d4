-- load/parse.sql — how source text becomes contract values (`tenure build
-- --raw`, `tenure validate`). The loader reads every source column as text
-- and calls these macros; a NULL result for a non-empty text is a problem
-- the loader reports with the file, line, column and value. Nothing is
-- rounded or truncated silently: a value that does not fit exactly is NULL.
--
-- The session's TimeZone is UTC, so a TIMESTAMPTZ cast to TIMESTAMP is the
-- UTC time. Macros take already-materialized text columns: nesting one
-- macro's call inside another's argument multiplies the work.

-- Trimmed text; empty → NULL. The common case (no surrounding space) is not copied.
CREATE OR REPLACE TEMP MACRO tn_text(t) AS
    CASE WHEN prefix(t, ' ') OR suffix(t, ' ') THEN nullif(trim(t), '') ELSE nullif(t, '') END;

-- Text holds a NUL byte or another control character than tab, CR or LF.
CREATE OR REPLACE TEMP MACRO tn_has_control(t) AS
    regexp_matches(t, '[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]');

-- Does an ISO timestamp carry an offset other than zero (+02:00, -0500)?
-- strpos and substr: far cheaper than contains() or a regular expression on
-- ten million events.
CREATE OR REPLACE TEMP MACRO tn_has_offset(t) AS
    strpos(t, '+') > 0 OR strpos(substr(t, 12), '-') > 0;

-- ... or any zone at all (Z, UTC and GMT too)?
CREATE OR REPLACE TEMP MACRO tn_has_zone(t) AS
    tn_has_offset(t) OR suffix(t, 'Z') OR suffix(t, 'z') OR suffix(t, 'UTC') OR suffix(t, 'GMT');

-- ISO 8601 timestamps. With a zone: converted to UTC. Without: read in the
-- source's zone `tz` (tn_ts_iso_utc: the source's zone is UTC, so a zero
-- offset needs no conversion). A TIMESTAMP cast would drop an offset
-- silently: only text without one goes that way.
CREATE OR REPLACE TEMP MACRO tn_ts_iso_utc(t) AS
    CASE WHEN tn_has_offset(t) OR TRY_CAST(t AS TIMESTAMP) IS NULL
         THEN TRY_CAST(TRY_CAST(t AS TIMESTAMPTZ) AS TIMESTAMP)
         ELSE TRY_CAST(t AS TIMESTAMP) END;

CREATE OR REPLACE TEMP MACRO tn_ts_iso_zone(t, tz) AS
    CASE WHEN tn_has_zone(t) OR TRY_CAST(t AS TIMESTAMP) IS NULL
         THEN TRY_CAST(TRY_CAST(t AS TIMESTAMPTZ) AS TIMESTAMP)
         ELSE timezone('UTC', timezone(tz, TRY_CAST(t AS TIMESTAMP))) END;

-- Seconds or milliseconds since 1970-01-01 UTC (fractions kept to the microsecond).
CREATE OR REPLACE TEMP MACRO tn_ts_epoch(t, unit_seconds) AS
    CASE WHEN abs(TRY_CAST(t AS DOUBLE) * unit_seconds) < 253402300800
         THEN make_timestamp(CAST(round(TRY_CAST(t AS DOUBLE) * unit_seconds * 1000000) AS BIGINT)) END;

-- strptime patterns (a list, tried in order). A pattern with %z or %Z gives
-- a TIMESTAMPTZ, converted to UTC; without, the time is in zone `tz`.
CREATE OR REPLACE TEMP MACRO tn_ts_pattern_utc(t, patterns) AS
    TRY_CAST(try_strptime(t, patterns) AS TIMESTAMP);

CREATE OR REPLACE TEMP MACRO tn_ts_pattern_zone(t, patterns, tz) AS
    timezone('UTC', timezone(tz, TRY_CAST(try_strptime(t, patterns) AS TIMESTAMP)));

-- ISO dates. A date is taken as written; a date with a time and an offset
-- (Z, +02:00) is taken to UTC first, and its UTC date kept.
CREATE OR REPLACE TEMP MACRO tn_date_iso(t) AS
    CASE WHEN length(t) <= 10 THEN TRY_CAST(t AS DATE) ELSE CAST(tn_ts_iso_utc(t) AS DATE) END;

-- The parts of a number as people write it: an optional sign (leading,
-- trailing or accounting parentheses), an optional currency symbol or ISO
-- code before or after, and the digits with their separators.
CREATE OR REPLACE TEMP MACRO tn_number_parts(t) AS
    regexp_extract(t,
        '^\s*(\()?\s*(-)?\s*(?:[A-Za-z]{3}\s*|US\$|[$€£¥₹])?\s*(-)?\s*([0-9][0-9.,'' \x{00A0}\x{202F}]*[0-9]|[0-9])\s*(?:[$€£¥₹]|\s*[A-Za-z]{3})?\s*(-)?\s*(\))?\s*$',
        ['open', 'minus1', 'minus2', 'digits', 'minus3', 'close']);

-- The digits with '.' as the decimal separator: groups of three may be
-- separated by ',', space or apostrophe (the decimal separator being '.').
CREATE OR REPLACE TEMP MACRO tn_digits_point(d) AS
    CASE WHEN regexp_full_match(d, '[0-9]+(\.[0-9]+)?')
              OR regexp_full_match(d, '[0-9]{1,3}([,'' \x{00A0}\x{202F}][0-9]{3})+(\.[0-9]+)?')
         THEN regexp_replace(d, '[,'' \x{00A0}\x{202F}]', '', 'g') END;

-- The same with ',' as the decimal separator ('.' may then separate groups).
CREATE OR REPLACE TEMP MACRO tn_digits_comma(d) AS
    CASE WHEN regexp_full_match(d, '[0-9]+(,[0-9]+)?')
              OR regexp_full_match(d, '[0-9]{1,3}([.'' \x{00A0}\x{202F}][0-9]{3})+(,[0-9]+)?')
         THEN replace(regexp_replace(d, '[.'' \x{00A0}\x{202F}]', '', 'g'), ',', '.') END;

-- A number's text in plain form ('-1234.5'), or NULL when `t` is not a
-- number written with decimal separator `sep`.
CREATE OR REPLACE TEMP MACRO tn_number_text_from(p, sep) AS
    CASE WHEN (p.open = '') <> (p.close = '') OR p.digits = '' THEN NULL
         ELSE CASE WHEN p.open <> '' OR p.minus1 <> '' OR p.minus2 <> '' OR p.minus3 <> ''
                   THEN '-' ELSE '' END
              || CASE WHEN sep = ',' THEN tn_digits_comma(p.digits) ELSE tn_digits_point(p.digits) END
    END;

CREATE OR REPLACE TEMP MACRO tn_number_text(t, sep) AS tn_number_text_from(tn_number_parts(t), sep);

-- Money: an exact amount with at most two decimals (trailing zeros allowed).
CREATE OR REPLACE TEMP MACRO tn_money_from(n) AS
    CASE WHEN regexp_full_match(n, '-?[0-9]{1,10}(\.[0-9]{0,2}0*)?') THEN CAST(n AS DECIMAL(12, 2)) END;

-- Whole numbers ('38', '38.0'); 38.5 is not one.
CREATE OR REPLACE TEMP MACRO tn_integer_from(n) AS
    CASE WHEN regexp_full_match(n, '-?[0-9]{1,9}(\.0*)?') THEN CAST(split_part(n, '.', 1) AS INTEGER) END;

-- Scores: any number; the common plain form skips the number grammar (a
-- CASE, not coalesce: DuckDB then runs the grammar only on the rows that
-- need it).
CREATE OR REPLACE TEMP MACRO tn_float_point(t) AS
    CASE WHEN TRY_CAST(t AS FLOAT) IS NOT NULL THEN TRY_CAST(t AS FLOAT)
         ELSE TRY_CAST(tn_number_text(t, '.') AS FLOAT) END;

CREATE OR REPLACE TEMP MACRO tn_float_comma(t) AS TRY_CAST(tn_number_text(t, ',') AS FLOAT);
