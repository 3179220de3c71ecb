#include "grade_files.h"
#include "text.h"

#include "roster.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "grade_record.h"
#include "outfile.h"
#include "strbuf.h"
#include "submission.h"

char *ion_path_beside(const char *path, const char *name)
{
    const char *slash = strrchr(path, '/');
    ion_strbuf b = {0};
    if (!slash)
        ion_strbuf_puts(&b, ".");
    else if (slash == path)
        ion_strbuf_puts(&b, "/");
    else
        ion_strbuf_add(&b, path, (size_t)(slash - path));
    char *dir = ion_strbuf_detach(&b, NULL);
    char *p = dir ? ion_path_join(dir, name) : NULL;
    free(dir);
    return p;
}

/* ---- the files to grade ---- */

typedef struct {
    char **paths;
    size_t n, cap;
} path_list;

static int add_path(path_list *l, const char *dir, const char *name)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **p = realloc(l->paths, cap * sizeof *p);
        if (!p)
            return -1;
        l->paths = p;
        l->cap = cap;
    }
    char *path = dir ? ion_path_join(dir, name) : strdup(name);
    if (!path)
        return -1;
    l->paths[l->n++] = path;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files directly in dir, by name, but for hidden ones (our
 * temporaries among them) and the key and the gradebook themselves
 * (skip[0..nskip), by device and inode). 0, 1 when dir cannot be read (err
 * says why), -1 when out of memory. */
static int add_dir(path_list *l, const char *dir, const struct stat *skip, size_t nskip, ion_error *err)
{
    DIR *d = opendir(dir);
    if (!d) {
        ion_fail_key(err, dir, 0, "err.grade.readdir", "%s", ion_strerror(errno));
        return 1;
    }
    size_t first = l->n;
    struct dirent *e;
    int ret = 0;
    while (!ret && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (add_path(l, dir, e->d_name) < 0) {
            ret = -1;
            break;
        }
        struct stat st;
        int drop = stat(l->paths[l->n - 1], &st) != 0 || !S_ISREG(st.st_mode);
        for (size_t k = 0; !drop && k < nskip; k++)
            drop = st.st_dev == skip[k].st_dev && st.st_ino == skip[k].st_ino;
        if (drop)
            free(l->paths[--l->n]);
    }
    closedir(d);
    if (l->n > first)
        qsort(l->paths + first, l->n - first, sizeof *l->paths, cmp_str);
    return ret;
}

/* ---- a run ---- */

typedef struct {
    const ion_grade_opts *o;
    ion_grade_report *r;
    ion_gradebook *gb;
    path_list files;
    const char *file;     /* the file being graded */
    size_t told, untold;  /* messages about it */
    int bank_failed;
    int committed; /* the database's commit is done */
    ion_error *err;
} grade_run;

static void tell(grade_run *run, const ion_error *e)
{
    if (run->told < ION_GRADE_NOTES_PER_FILE) {
        run->told++;
        run->o->message(e, run->o->ctx);
    } else {
        run->untold++;
    }
}

static void note(const ion_error *e, void *ctx)
{
    tell(ctx, e);
}

/* The end of a file's messages: how many were not told. */
static void file_done(grade_run *run)
{
    if (run->untold) {
        ion_error e = {0};
        ion_fail_key(&e, run->file, 0, "err.grade.more", "%zu", run->untold);
        run->o->message(&e, run->o->ctx);
    }
    run->told = run->untold = 0;
}

static int on_submission(const ion_submission *s, void *ctx)
{
    grade_run *run = ctx;
    ion_error err = {0};
    const ion_result *res;
    if (ion_gradebook_grade(run->gb, s, &res, note, run, &err) < 0) {
        tell(run, &err);
        run->r->refused++;
        return 0;
    }
    run->r->graded++;
    if (ion_gradebook_status(run->gb, res->student, NULL) == ION_STATUS_CONFLICT)
        run->r->refused++; /* recorded, but in no gradebook total: exit 1 */
    if (run->o->bank && ion_gradebook_record(run->gb, run->o->bank, s, res, run->err) < 0) {
        run->bank_failed = 1;
        return -1; /* nothing is recorded, nothing written */
    }
    run->r->recorded += run->o->bank != NULL;
    return 0;
}

/* The inputs into run->files; 0 or -1 when out of memory. */
static int list_inputs(grade_run *run)
{
    const ion_grade_opts *o = run->o;
    struct stat skip[2];
    size_t nskip = 0;
    nskip += stat(o->key, &skip[nskip]) == 0;
    nskip += stat(o->csv, &skip[nskip]) == 0;
    for (size_t i = 0; i < o->ninputs; i++) {
        struct stat st;
        ion_error e = {0};
        int r = 0;
        if (stat(o->inputs[i], &st) != 0) {
            ion_fail_key(&e, o->inputs[i], 0, "err.grade.open", "%s", ion_strerror(errno));
            r = 1;
        } else if (S_ISDIR(st.st_mode)) {
            r = add_dir(&run->files, o->inputs[i], skip, nskip, &e);
        } else {
            r = add_path(&run->files, NULL, o->inputs[i]);
        }
        if (r < 0)
            return ion_fail_key(run->err, NULL, 0, "err.out_of_memory", "-");
        if (r > 0) {
            o->message(&e, o->ctx);
            run->r->refused++;
        }
    }
    return 0;
}

static int grade_inputs(grade_run *run)
{
    ion_sub_parser *p = ion_sub_parser_new(run->o->submission_xsd);
    if (!p)
        return ion_fail_key(run->err, NULL, 0, "err.out_of_memory", "-");
    int rc = 0;
    for (size_t i = 0; !rc && i < run->files.n; i++) {
        ion_error err = {0};
        run->file = run->files.paths[i];
        if (ion_sub_parse_file(p, run->file, on_submission, run, &err) < 0) {
            if (run->bank_failed) {
                rc = -1;
                break;
            }
            tell(run, &err);
            /* Coded for the database; libxml2's words as they came. */
            char said[sizeof err.msg + 8];
            const char *coded = ion_sub_parser_refusal(p);
            if (!*coded) {
                ion_error e;
                coded = said;
                ion_fail_refusal(&e, NULL, 0, said, sizeof said, ION_REFUSAL_SAID, err.msg, (const char *)NULL);
            }
            ion_gradebook_refuse(run->gb, run->file, NULL, coded);
            run->r->refused++;
        }
        file_done(run);
        if (run->o->progress)
            run->o->progress(i + 1, run->files.n, run->o->ctx);
    }
    ion_sub_parser_free(p);
    return rc;
}

/* ---- the outputs ---- */

/* A file name from a student id: the id itself when it is safe, else a
 * hex spelling of it, so that no id can name a path. */
static void feedback_name(const char *id, char *out, size_t n)
{
    if (!ion_bank_id_problem(id)) {
        snprintf(out, n, "%s.txt", id);
        return;
    }
    size_t k = (size_t)snprintf(out, n, "student-");
    for (const unsigned char *s = (const unsigned char *)id; *s && k + 7 < n; s++)
        k += (size_t)snprintf(out + k, n - k, "%02x", *s);
    snprintf(out + k, n - k, ".txt");
}

static int write_feedback(ion_output *out, ion_outdir *dir, const ion_gradebook *gb, ion_error *err)
{
    const ion_answer_key *k = ion_gradebook_key(gb);
    char name[256];
    for (size_t i = 0; i < ion_answer_key_students(k); i++) {
        size_t len;
        char *text = ion_gradebook_feedback(gb, i, &len);
        if (!text)
            return ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
        feedback_name(ion_answer_key_student_id(k, i), name, sizeof name);
        int ret = ion_output_write(out, dir, name, ION_OUT_PUBLIC, text, len, err);
        free(text);
        if (ret < 0)
            return -1;
    }
    return 0;
}

/* Grading into outputs begun (the gradebook first: it appears last),
 * then the commit, then the renames. */
static int grade_into(grade_run *run, ion_output *out, ion_outdir *book_dir, const char *book,
                      ion_outdir *fb_dir)
{
    ion_error *err = run->err;
    FILE *f = ion_output_begin(out, book_dir, book, ION_OUT_PRIVATE, err);
    if (!f || list_inputs(run) || grade_inputs(run) ||
        (run->o->bank && ion_gradebook_record_statuses(run->gb, run->o->bank, err) < 0) ||
        write_feedback(out, fb_dir, run->gb, err))
        return ION_GRADE_EIO;
    size_t len;
    ion_roster_emails emails = {run->o->bank, ion_answer_key_course(ion_gradebook_key(run->gb)), {0}};
    ion_csv_style style = {run->o->format, run->o->excel, run->o->bank ? ion_roster_email : NULL, &emails};
    char *csv = ion_gradebook_csv_styled(run->gb, &style, &len);
    if (!csv)
        return ion_fail_key(err, NULL, 0, "err.out_of_memory", "-") ? ION_GRADE_EIO : 0;
    fwrite(csv, 1, len, f);
    free(csv);
    if (ion_output_end(out, f, err))
        return ION_GRADE_EIO;
    if (run->o->bank && ion_bank_commit(run->o->bank, err))
        return ION_GRADE_EIO;
    run->committed = 1;
    return ion_output_commit(out, err) ? ION_GRADE_EIO : 0;
}

int ion_grade_files(const ion_grade_opts *o, ion_grade_report *r, ion_error *err)
{
    memset(r, 0, sizeof *r);
    grade_run run = {o, r, NULL, {0}, NULL, 0, 0, 0, 0, err};
    /* The reader checks every element, attribute, number, id and
     * expression of the key itself; the XSD pass on top would more than
     * double the load time of a large class's key for nothing more. */
    ion_answer_key *key = ion_answer_key_load(o->key, NULL, err);
    if (!key)
        return ION_GRADE_EKEY;
    int rc = ION_GRADE_EIO;
    const char *book;
    ion_output *out = ion_output_new();
    ion_outdir *book_dir = NULL, *fb_dir = NULL;
    if (!out || !(run.gb = ion_gradebook_new(key, o->lang)))
        ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
    else if ((book_dir = ion_outdir_of(o->csv, &book, err)) && (fb_dir = ion_outdir_open(o->feedback, err)) &&
             (!o->bank || !ion_bank_begin(o->bank, err)))
        rc = grade_into(&run, out, book_dir, book, fb_dir);
    if (rc && o->bank)
        ion_bank_rollback(o->bank, NULL);
    if (!rc)
        r->summary = ion_gradebook_summary(run.gb);
    if (!run.committed)
        r->recorded = 0;
    ion_output_free(out);
    ion_outdir_close(book_dir);
    ion_outdir_close(fb_dir);
    for (size_t i = 0; i < run.files.n; i++)
        free(run.files.paths[i]);
    free(run.files.paths);
    ion_gradebook_free(run.gb);
    ion_answer_key_free(key);
    return rc;
}
