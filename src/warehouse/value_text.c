/*
 * value_text.c — formatting DuckDB vector values (see value_text.h).
 */
#include "warehouse/value_text.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/date.h"

static void put_int128(tn_strbuf *out, __int128 value) {
    char digits[48];
    int n = 0;
    unsigned __int128 magnitude = value < 0 ? -(unsigned __int128)value : (unsigned __int128)value;
    do {
        digits[n++] = (char)('0' + (int)(magnitude % 10));
        magnitude /= 10;
    } while (magnitude > 0);
    if (value < 0)
        tn_strbuf_putc(out, '-');
    while (n > 0)
        tn_strbuf_putc(out, digits[--n]);
}

/* The shortest %g text that reads back as the same number. */
static void put_real(tn_strbuf *out, double value, bool single) {
    char text[40];
    for (int precision = single ? 6 : 15; precision <= 17; precision++) {
        snprintf(text, sizeof text, "%.*g", precision, value);
        if (single ? strtof(text, NULL) == (float)value : strtod(text, NULL) == value)
            break;
    }
    tn_strbuf_puts(out, text);
}

static void put_decimal(tn_strbuf *out, __int128 unscaled, int scale) {
    if (scale == 0) {
        put_int128(out, unscaled);
        return;
    }
    __int128 factor = 1;
    for (int i = 0; i < scale; i++)
        factor *= 10;
    if (unscaled < 0)
        tn_strbuf_putc(out, '-');
    __int128 magnitude = unscaled < 0 ? -unscaled : unscaled;
    put_int128(out, magnitude / factor);
    tn_strbuf_putc(out, '.');
    char fraction[48];
    __int128 rest = magnitude % factor;
    for (int i = scale - 1; i >= 0; i--) {
        fraction[i] = (char)('0' + (int)(rest % 10));
        rest /= 10;
    }
    tn_strbuf_append(out, fraction, (size_t)scale);
}

static void put_date(tn_strbuf *out, int32_t days) {
    char text[TN_DATE_BUF];
    if (days == INT32_MAX || days == -INT32_MAX) {
        tn_strbuf_puts(out, days > 0 ? "infinity" : "-infinity");
        return;
    }
    tn_strbuf_puts(out, tn_date_format(days, text));
}

/* HH:MM:SS, with the fraction when there is one. */
static void put_time_of_day(tn_strbuf *out, int64_t micros) {
    tn_strbuf_printf(out, "%02d:%02d:%02d", (int)(micros / 3600000000LL),
                     (int)(micros / 60000000LL % 60), (int)(micros / 1000000LL % 60));
    int fraction = (int)(micros % 1000000), digits = 6;
    if (fraction == 0)
        return;
    while (fraction % 10 == 0) { /* 23:59:59.5, as DuckDB writes it */
        fraction /= 10;
        digits--;
    }
    tn_strbuf_printf(out, ".%0*d", digits, fraction);
}

static void put_timestamp(tn_strbuf *out, int64_t micros) {
    if (micros == INT64_MAX || micros == -INT64_MAX) {
        tn_strbuf_puts(out, micros > 0 ? "infinity" : "-infinity");
        return;
    }
    int64_t day = micros / 86400000000LL;
    int64_t within = micros % 86400000000LL;
    if (within < 0) {
        within += 86400000000LL;
        day--;
    }
    put_date(out, (int32_t)day);
    tn_strbuf_putc(out, ' ');
    put_time_of_day(out, within);
}

static void put_interval(tn_strbuf *out, duckdb_interval interval) {
    size_t start = out->length;
    if (interval.months / 12 != 0)
        tn_strbuf_printf(out, "%d year%s ", interval.months / 12,
                         interval.months / 12 == 1 ? "" : "s");
    if (interval.months % 12 != 0)
        tn_strbuf_printf(out, "%d month%s ", interval.months % 12,
                         interval.months % 12 == 1 ? "" : "s");
    if (interval.days != 0)
        tn_strbuf_printf(out, "%d day%s ", interval.days, interval.days == 1 ? "" : "s");
    if (interval.micros != 0 || out->length == start) {
        int64_t micros = interval.micros;
        if (micros < 0) {
            tn_strbuf_putc(out, '-');
            micros = -micros;
        }
        put_time_of_day(out, micros);
    } else {
        out->length--; /* the trailing space */
        out->data[out->length] = '\0';
    }
}

static void put_uuid(tn_strbuf *out, duckdb_hugeint value) {
    uint64_t high =
        (uint64_t)value.upper ^ (UINT64_C(1) << 63); /* DuckDB stores UUIDs sign-flipped */
    tn_strbuf_printf(out, "%08" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%012" PRIx64,
                     high >> 32, (high >> 16) & UINT64_C(0xffff), high & UINT64_C(0xffff),
                     (uint64_t)value.lower >> 48, (uint64_t)value.lower & UINT64_C(0xffffffffffff));
}

static void put_string(tn_strbuf *out, duckdb_string_t *text, bool blob) {
    uint32_t length = duckdb_string_t_length(*text);
    const char *data = duckdb_string_t_data(text);
    if (!blob) {
        tn_strbuf_append(out, data, length);
        return;
    }
    for (uint32_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            tn_strbuf_putc(out, (char)c);
        else
            tn_strbuf_printf(out, "\\x%02X", c);
    }
}

static __int128 hugeint_value(duckdb_hugeint value) {
    return (__int128)(((unsigned __int128)(uint64_t)value.upper << 64) | value.lower);
}

static uint64_t enum_index(duckdb_type internal, void *data, idx_t row) {
    switch (internal) {
    case DUCKDB_TYPE_UTINYINT:
        return ((uint8_t *)data)[row];
    case DUCKDB_TYPE_USMALLINT:
        return ((uint16_t *)data)[row];
    default:
        return ((uint32_t *)data)[row];
    }
}

static void put_decimal_cell(tn_strbuf *out, duckdb_logical_type type, void *data, idx_t row) {
    int scale = duckdb_decimal_scale(type);
    switch (duckdb_decimal_internal_type(type)) {
    case DUCKDB_TYPE_SMALLINT:
        put_decimal(out, ((int16_t *)data)[row], scale);
        break;
    case DUCKDB_TYPE_INTEGER:
        put_decimal(out, ((int32_t *)data)[row], scale);
        break;
    case DUCKDB_TYPE_BIGINT:
        put_decimal(out, ((int64_t *)data)[row], scale);
        break;
    default:
        put_decimal(out, hugeint_value(((duckdb_hugeint *)data)[row]), scale);
    }
}

static void put_nested(duckdb_vector vector, duckdb_logical_type type, duckdb_type id, idx_t row,
                       tn_strbuf *out);

/* One element inside a LIST, ARRAY, STRUCT or MAP: NULL spelled out, text unquoted (as DuckDB). */
static void put_element(duckdb_vector vector, idx_t row, tn_strbuf *out) {
    if (!tn_value_text(vector, row, out))
        tn_strbuf_puts(out, "NULL");
}

static void put_nested(duckdb_vector vector, duckdb_logical_type type, duckdb_type id, idx_t row,
                       tn_strbuf *out) {
    if (id == DUCKDB_TYPE_STRUCT) {
        idx_t children = duckdb_struct_type_child_count(type);
        tn_strbuf_putc(out, '{');
        for (idx_t c = 0; c < children; c++) {
            char *name = duckdb_struct_type_child_name(type, c);
            tn_strbuf_printf(out, "%s'%s': ", c > 0 ? ", " : "", name);
            duckdb_free(name);
            put_element(duckdb_struct_vector_get_child(vector, c), row, out);
        }
        tn_strbuf_putc(out, '}');
        return;
    }
    idx_t first, count;
    duckdb_vector child;
    if (id == DUCKDB_TYPE_ARRAY) {
        count = duckdb_array_type_array_size(type);
        first = row * count;
        child = duckdb_array_vector_get_child(vector);
    } else { /* LIST or MAP (a list of key/value structs) */
        duckdb_list_entry entry = ((duckdb_list_entry *)duckdb_vector_get_data(vector))[row];
        first = entry.offset;
        count = entry.length;
        child = duckdb_list_vector_get_child(vector);
    }
    tn_strbuf_putc(out, id == DUCKDB_TYPE_MAP ? '{' : '[');
    for (idx_t i = 0; i < count; i++) {
        if (i > 0)
            tn_strbuf_puts(out, ", ");
        if (id == DUCKDB_TYPE_MAP) {
            put_element(duckdb_struct_vector_get_child(child, 0), first + i, out);
            tn_strbuf_putc(out, '=');
            put_element(duckdb_struct_vector_get_child(child, 1), first + i, out);
        } else {
            put_element(child, first + i, out);
        }
    }
    tn_strbuf_putc(out, id == DUCKDB_TYPE_MAP ? '}' : ']');
}

/* Scalars stored as plain C numbers. */
static bool put_number(duckdb_type id, void *data, idx_t row, tn_strbuf *out) {
    switch (id) {
    case DUCKDB_TYPE_BOOLEAN:
        tn_strbuf_puts(out, ((bool *)data)[row] ? "true" : "false");
        return true;
    case DUCKDB_TYPE_TINYINT:
        tn_strbuf_printf(out, "%d", ((int8_t *)data)[row]);
        return true;
    case DUCKDB_TYPE_SMALLINT:
        tn_strbuf_printf(out, "%d", ((int16_t *)data)[row]);
        return true;
    case DUCKDB_TYPE_INTEGER:
        tn_strbuf_printf(out, "%" PRId32, ((int32_t *)data)[row]);
        return true;
    case DUCKDB_TYPE_BIGINT:
        tn_strbuf_printf(out, "%" PRId64, ((int64_t *)data)[row]);
        return true;
    case DUCKDB_TYPE_UTINYINT:
        tn_strbuf_printf(out, "%u", ((uint8_t *)data)[row]);
        return true;
    case DUCKDB_TYPE_USMALLINT:
        tn_strbuf_printf(out, "%u", ((uint16_t *)data)[row]);
        return true;
    case DUCKDB_TYPE_UINTEGER:
        tn_strbuf_printf(out, "%" PRIu32, ((uint32_t *)data)[row]);
        return true;
    case DUCKDB_TYPE_UBIGINT:
        tn_strbuf_printf(out, "%" PRIu64, ((uint64_t *)data)[row]);
        return true;
    case DUCKDB_TYPE_FLOAT:
        put_real(out, ((float *)data)[row], true);
        return true;
    case DUCKDB_TYPE_DOUBLE:
        put_real(out, ((double *)data)[row], false);
        return true;
    case DUCKDB_TYPE_HUGEINT:
        put_int128(out, hugeint_value(((duckdb_hugeint *)data)[row]));
        return true;
    default:
        return false;
    }
}

/* Dates, times and other scalars with a layout of their own. */
static bool put_temporal(duckdb_type id, void *data, idx_t row, tn_strbuf *out) {
    switch (id) {
    case DUCKDB_TYPE_DATE:
        put_date(out, ((int32_t *)data)[row]);
        return true;
    case DUCKDB_TYPE_TIME:
        put_time_of_day(out, ((int64_t *)data)[row]);
        return true;
    case DUCKDB_TYPE_TIMESTAMP:
        put_timestamp(out, ((int64_t *)data)[row]);
        return true;
    case DUCKDB_TYPE_TIMESTAMP_TZ:
        put_timestamp(out, ((int64_t *)data)[row]);
        tn_strbuf_puts(out, "+00");
        return true;
    case DUCKDB_TYPE_TIMESTAMP_S:
        put_timestamp(out, ((int64_t *)data)[row] * 1000000);
        return true;
    case DUCKDB_TYPE_TIMESTAMP_MS:
        put_timestamp(out, ((int64_t *)data)[row] * 1000);
        return true;
    case DUCKDB_TYPE_TIMESTAMP_NS:
        put_timestamp(out, ((int64_t *)data)[row] / 1000);
        return true;
    case DUCKDB_TYPE_INTERVAL:
        put_interval(out, ((duckdb_interval *)data)[row]);
        return true;
    case DUCKDB_TYPE_UUID:
        put_uuid(out, ((duckdb_hugeint *)data)[row]);
        return true;
    default:
        return false;
    }
}

bool tn_value_text(duckdb_vector vector, idx_t row, tn_strbuf *out) {
    uint64_t *validity = duckdb_vector_get_validity(vector);
    if (validity != NULL && !duckdb_validity_row_is_valid(validity, row))
        return false;
    duckdb_logical_type type = duckdb_vector_get_column_type(vector);
    duckdb_type id = duckdb_get_type_id(type);
    void *data = duckdb_vector_get_data(vector);
    if (put_number(id, data, row, out) || put_temporal(id, data, row, out)) {
        /* done */
    } else if (id == DUCKDB_TYPE_VARCHAR || id == DUCKDB_TYPE_BLOB) {
        put_string(out, &((duckdb_string_t *)data)[row], id == DUCKDB_TYPE_BLOB);
    } else if (id == DUCKDB_TYPE_DECIMAL) {
        put_decimal_cell(out, type, data, row);
    } else if (id == DUCKDB_TYPE_ENUM) {
        char *name = duckdb_enum_dictionary_value(
            type, enum_index(duckdb_enum_internal_type(type), data, row));
        tn_strbuf_puts(out, name != NULL ? name : "");
        duckdb_free(name);
    } else if (id == DUCKDB_TYPE_LIST || id == DUCKDB_TYPE_ARRAY || id == DUCKDB_TYPE_STRUCT ||
               id == DUCKDB_TYPE_MAP) {
        put_nested(vector, type, id, row, out);
    } else {
        tn_strbuf_printf(out, "<TYPE %d>", (int)id);
    }
    duckdb_destroy_logical_type(&type);
    return true;
}
