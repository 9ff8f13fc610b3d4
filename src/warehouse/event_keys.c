/*
 * event_keys.c — the hashes of the stored event ids (see event_keys.h).
 */
#include "warehouse/event_keys.h"

#include "common/embedded.h"
#include "common/strbuf.h"
#include "warehouse/load_sql.h"
#include "warehouse/query.h"

/* Whether meta.usage_event_keys exists and can be trusted (sql/load/event_keys_current.sql). */
static bool keys_current(tn_db *db, bool *current, tn_error *err) {
    bool exists = false;
    char answer[8] = "";
    *current = false;
    if (!tn_query_table_exists(db, "meta", "usage_event_keys", &exists, err))
        return false;
    if (!exists)
        return true;
    if (!tn_query_text(db, tn_embedded_text("sql/load/event_keys_current.sql"), answer,
                       sizeof answer, err))
        return false;
    *current = answer[0] == 't';
    return true;
}

bool tn_event_keys_stage(tn_db *db, bool *current, tn_error *err) {
    if (!keys_current(db, current, err))
        return false;
    return tn_db_exec(db,
                      tn_embedded_text(*current ? "sql/load/event_keys_kept.sql"
                                                : "sql/load/event_keys_read.sql"),
                      err);
}

/* tn_stored_event_keys into meta.usage_event_keys, commented with which hash() made it. */
static bool write_staged(tn_db *db, tn_error *err) {
    char made_by[256] = "";
    if (!tn_query_text(db, tn_embedded_text("sql/load/event_keys_write.sql"), made_by,
                       sizeof made_by, err))
        return false;
    tn_strbuf sql = TN_STRBUF_INIT;
    tn_strbuf_puts(&sql, "COMMENT ON TABLE meta.usage_event_keys IS ");
    tn_load_sql_string(&sql, made_by);
    bool ok = tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    tn_strbuf_free(&sql);
    return ok;
}

bool tn_event_keys_merge(tn_db *db, bool current, tn_error *err) {
    /* not current: the staged view reads raw.usage_events, which now holds the new events too */
    return current ? tn_db_exec(db, tn_embedded_text("sql/load/event_keys_add.sql"), err)
                   : write_staged(db, err);
}

bool tn_event_keys_write(tn_db *db, tn_error *err) {
    return tn_db_exec(db, tn_embedded_text("sql/load/event_keys_read.sql"), err) &&
           write_staged(db, err);
}
