/* The bank's self-check drill: progress and the log of attempts
 * (bank.h). */
#include "bank_int.h"

/* ---- drill ---- */

int ion_bank_drill_record(ion_bank *b, const char *user,
                          const char *template_id, uint64_t seed,
                          int right_first, ion_error *err)
{
    const char *why = ion_bank_text_problem(user, ION_BANK_TEXT_MAX);
    if (why)
        return refuse(err, "err.drill.user", "%s", ion_text_phrase(why));
    right_first = right_first != 0;
    int own, ret = bank_sp_begin(b, &own, err);
    if (ret < 0)
        return ret;
    sqlite3_stmt *st = bank_prepare(b, ST_DRILL_PUT, err, "tti", user, template_id,
                                    right_first);
    if (!st || bank_run(b, st, err, "err.db.store_drill"))
        ret = ION_BANK_EDB;
    else if (sqlite3_changes(b->db) == 0)
        ret = refuse(err, "err.bank.unknown_template", "%s", template_id);
    else if (!(st = bank_prepare(b, ST_DRILL_LOG, err, "ttui", user, template_id,
                                 seed, right_first)) ||
             bank_run(b, st, err, "err.db.log_drill"))
        ret = ION_BANK_EDB;
    return bank_sp_end(b, own, ret, err);
}

static int drill_row(sqlite3_stmt *st, const list_fn *fn, void *ctx)
{
    ion_bank_drill d = {bank_column_text(st, 0),        bank_column_text(st, 1),
                        sqlite3_column_int(st, 2), sqlite3_column_int(st, 3),
                        sqlite3_column_int(st, 4), bank_column_text(st, 5)};
    return fn->drill(&d, ctx);
}

int ion_bank_drill_list(ion_bank *b, const char *user, const char *topic,
                        ion_bank_drill_fn fn, void *ctx, ion_error *err)
{
    list_fn cb = {.drill = fn};
    sqlite3_stmt *st = bank_prepare(b, ST_DRILL_LIST, err, "tt", user, topic);
    return bank_walk(b, st, drill_row, cb, ctx, err);
}
