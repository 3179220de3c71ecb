#include "catalog.h"
#include "outfile.h"
#include "text.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_xml_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && !strcmp(name + n - 4, ".xml") && name[0] != '.';
}

/* Appends path (taken) to *files; -1 when out of memory (path freed). */
static int add_file(char ***files, size_t *n, char *path)
{
    char **more = path ? realloc(*files, (*n + 1) * sizeof **files) : NULL;
    if (!more) {
        free(path);
        return -1;
    }
    *files = more;
    (*files)[(*n)++] = path;
    return 0;
}

int ion_catalog_expand(const char *path, char ***files, size_t *n, ion_error *err)
{
    struct stat st;
    if (stat(path, &st))
        return ion_fail_key(err, path, 0, "err.catalog.missing", "-");
    if (!S_ISDIR(st.st_mode))
        return add_file(files, n, strdup(path)) ? ion_fail_key(err, path, 0, "err.out_of_memory", "-") : 0;
    DIR *d = opendir(path);
    if (!d)
        return ion_fail_key(err, path, 0, "err.catalog.directory", "-");
    size_t first = *n;
    int ret = 0;
    for (struct dirent *e; !ret && (e = readdir(d));)
        if (has_xml_suffix(e->d_name) && add_file(files, n, ion_path_join(path, e->d_name)))
            ret = ion_fail_key(err, path, 0, "err.out_of_memory", "-");
    closedir(d);
    /* qsort's array may not be NULL, even for no element: an empty
     * directory leaves *files NULL. */
    if (*n > first)
        qsort(*files + first, *n - first, sizeof **files, by_name);
    return ret;
}

/* The template's languages for `bank list`, English first ("en zh"): one
 * its title is in and its text too (when it has one) into out (cap bytes;
 * those that do not fit are left out). */
static const char *langs_of(const ion_template *t, char *out, size_t cap)
{
    size_t len = (size_t)snprintf(out, cap, "en");
    for (size_t i = 0; i < t->title.n; i++) {
        const char *lang = t->title.v[i].lang;
        if (strcmp(lang, "en") && (ion_i18n_only(&t->text, lang) || !ion_i18n_only(&t->text, "en")) &&
            len + 1 + strlen(lang) < cap)
            len += (size_t)snprintf(out + len, cap - len, " %s", lang);
    }
    return out;
}

/* Titles may hold inline markup; the bank keeps them as plain text for
 * listings ("K+" in <sup> becomes "K⁺"). *out is NULL when t is; returns -1
 * when out of memory. */
static int plain_title(const char *t, char **out)
{
    ion_strbuf b = {0};
    *out = NULL;
    if (!t)
        return 0;
    if (ion_markup_plain(t, &b)) {
        ion_strbuf_release(&b);
        return -1;
    }
    *out = b.s;
    return 0;
}

static int store(ion_bank *b, const ion_template_list *all, ion_import_stats *stats, ion_error *err)
{
    if (ion_bank_begin(b, err))
        return ION_BANK_EDB;
    for (size_t i = 0; i < all->n; i++) {
        const ion_template *t = all->items[i];
        char *en, *zh, langs[128];
        int oom = plain_title(ion_i18n_only(&t->title, "en"), &en) | plain_title(ion_i18n_only(&t->title, "zh"), &zh);
        ion_bank_template d = {t->id, t->topic, t->difficulty, en, zh, langs_of(t, langs, sizeof langs), 0};
        int version, changed;
        int rc = ION_BANK_EDB;
        if (oom)
            ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
        else
            rc = ion_bank_template_upsert(b, &d, t->source, t->file, &version, &changed, err);
        free(en);
        free(zh);
        if (rc) {
            ion_bank_rollback(b, NULL);
            return rc;
        }
        if (!changed)
            stats->unchanged++;
        else if (version == 1)
            stats->added++;
        else
            stats->updated++;
    }
    return ion_bank_commit(b, err) ? ION_BANK_EDB : 0;
}

int ion_import(ion_bank *b, const char *const *paths, size_t n,
               const char *xsd_path, ion_import_error_fn on_error, void *ctx,
               ion_import_stats *stats, ion_error *err)
{
    char **files = NULL;
    size_t nfiles = 0;
    int bad = 0, rc;
    ion_template_list all = {0};
    memset(stats, 0, sizeof *stats);
    for (size_t i = 0; i < n; i++) {
        ion_error e = {0};
        if (ion_catalog_expand(paths[i], &files, &nfiles, &e)) {
            if (on_error)
                on_error(&e, ctx);
            bad++;
        }
    }
    for (size_t i = 0; i < nfiles; i++) {
        ion_error e = {0};
        size_t before = all.n;
        if (ion_templates_load(files[i], xsd_path, &all, &e)) {
            if (on_error)
                on_error(&e, ctx);
            bad++;
            continue;
        }
        /* An id may appear once in one import. */
        for (size_t k = before; k < all.n; k++)
            for (size_t j = 0; j < before; j++)
                if (!strcmp(all.items[k]->id, all.items[j]->id)) {
                    ion_fail_key(&e, files[i], all.items[k]->line, "err.catalog.id_used", "%s%s",
                             all.items[k]->id, all.items[j]->file);
                    if (on_error)
                        on_error(&e, ctx);
                    bad++;
                }
    }
    stats->files = (int)nfiles;
    stats->templates = (int)all.n;
    rc = bad ? ION_BANK_EINVAL : store(b, &all, stats, err);
    ion_template_list_release(&all);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    return rc;
}

ion_template *ion_catalog_load(ion_bank *b, const char *id, int version, ion_error *err)
{
    ion_bank_source src = {0};
    int found = ion_bank_template_source(b, id, version, &src, err);
    if (found <= 0) {
        if (found == 0)
            ion_fail_key(err, NULL, 0, "err.catalog.unknown", "%s", id);
        return NULL;
    }
    char name[160];
    ion_text_say(name, sizeof name, "err.catalog.source", "%s%d", id, src.version); /* its "file" in messages */
    ion_template_list l = {0};
    ion_template *t = NULL;
    if (ion_templates_parse(src.source, strlen(src.source), name, NULL, &l, err) == 0 && l.n == 1) {
        t = l.items[0];
        l.n = 0;
    } else if (err) {
        err->io = 1; /* it was checked on import: the bank is damaged */
    }
    ion_template_list_release(&l);
    ion_bank_source_release(&src);
    return t;
}
