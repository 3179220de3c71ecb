/* The bank's templates (bank.h): each imported text a version, the
 * current one named in templates. */
#include "bank_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- templates ---- */

static int template_check(const ion_bank_template *t, const char *source,
                          const char *file, ion_error *err)
{
    if (!t->id || !*t->id)
        return refuse(err, "err.bank.template_id", "-");
    if (!t->topic || !*t->topic || !t->title_en || !t->langs || !source ||
        !file)
        return refuse(err, "err.bank.template_incomplete", "%s", t->id);
    if (t->difficulty < 1 || t->difficulty > 3)
        return refuse(err, "err.bank.template_difficulty", "%s%d", t->id,
                      t->difficulty);
    return 0;
}

/* Stores a new version of a template: its description and its source. */
static int template_store(ion_bank *b, const ion_bank_template *t,
                          int version, const char *hash, const char *source,
                          const char *file, ion_error *err)
{
    sqlite3_stmt *st = bank_prepare(b, ST_TPL_PUT, err, "ttittti", t->id,
                                    t->topic, t->difficulty, t->title_en,
                                    t->title_zh, t->langs, version);
    if (!st || bank_run(b, st, err, "err.db.store_template"))
        return ION_BANK_EDB;
    st = bank_prepare(b, ST_TPL_VERSION_PUT, err, "tittt", t->id, version, hash,
                      source, file);
    if (!st || bank_run(b, st, err, "err.db.store_source"))
        return ION_BANK_EDB;
    return 0;
}

int ion_bank_template_upsert(ion_bank *b, const ion_bank_template *t,
                             const char *source_xml, const char *source_file,
                             int *version, int *changed, ion_error *err)
{
    char hash[HASH_HEX_LEN];
    int ret, own, current = 0, same = 0;
    sqlite3_stmt *st;
    if ((ret = template_check(t, source_xml, source_file, err)) < 0)
        return ret;
    bank_hash_hex(source_xml, strlen(source_xml), hash);
    if ((ret = bank_sp_begin(b, &own, err)) < 0)
        return ret;
    if (!(st = bank_prepare(b, ST_TPL_CURRENT, err, "t", t->id))) {
        ret = ION_BANK_EDB;
        goto done;
    }
    if ((ret = bank_first_row(b, st, err)) < 0)
        goto done;
    if (ret) {
        current = sqlite3_column_int(st, 0);
        same = !strcmp(bank_column_text(st, 1), hash);
        sqlite3_reset(st);
    }
    ret = same ? 0
               : template_store(b, t, current + 1, hash, source_xml,
                                source_file, err);
done:
    ret = bank_sp_end(b, own, ret, err);
    if (ret >= 0) {
        if (version)
            *version = same ? current : current + 1;
        if (changed)
            *changed = !same;
    }
    return ret < 0 ? ret : 0;
}

void ion_bank_source_release(ion_bank_source *s)
{
    if (!s)
        return;
    free(s->template_id);
    free(s->source);
    free(s->source_file);
    free(s->hash);
    free(s->imported);
    memset(s, 0, sizeof *s);
}

int ion_bank_template_source(ion_bank *b, const char *id, int version,
                             ion_bank_source *out, ion_error *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = bank_prepare(b, ST_TPL_SOURCE, err, "ti", id, version);
    int ret = bank_first_row(b, st, err);
    if (ret <= 0)
        return ret;
    out->version = sqlite3_column_int(st, 1);
    if (bank_column_dup(st, 0, &out->template_id) ||
        bank_column_dup(st, 2, &out->source) ||
        bank_column_dup(st, 3, &out->source_file) ||
        bank_column_dup(st, 4, &out->hash) || bank_column_dup(st, 5, &out->imported)) {
        ion_bank_source_release(out);
        ret = ion_fail_key(err, "", 0, "err.out_of_memory", "-");
    }
    sqlite3_reset(st);
    return ret;
}

/* The current version of template id in *version: 1, or 0 if unknown. */
int bank_template_version(ion_bank *b, const char *id, int *version,
                          ion_error *err)
{
    sqlite3_stmt *st = bank_prepare(b, ST_TPL_VERSION, err, "t", id);
    int ret = bank_first_row(b, st, err);
    if (ret == 1) {
        *version = sqlite3_column_int(st, 0);
        sqlite3_reset(st);
    }
    return ret;
}

int ion_bank_template_exists(ion_bank *b, const char *id, ion_error *err)
{
    int version;
    return bank_template_version(b, id, &version, err);
}

static int template_row(sqlite3_stmt *st, const list_fn *fn, void *ctx)
{
    ion_bank_template t = {
        bank_column_text(st, 0), bank_column_text(st, 1), sqlite3_column_int(st, 2),
        bank_column_text(st, 3), bank_column_text(st, 4), bank_column_text(st, 5),
        sqlite3_column_int(st, 6),
    };
    return fn->template(&t, ctx);
}

int ion_bank_template_list(ion_bank *b, const char *topic,
                           ion_bank_template_fn fn, void *ctx,
                           ion_error *err)
{
    list_fn cb = {.template = fn};
    sqlite3_stmt *st = bank_prepare(b, ST_TPL_LIST, err, "t", topic);
    return bank_walk(b, st, template_row, cb, ctx, err);
}
