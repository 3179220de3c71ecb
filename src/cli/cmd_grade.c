/* ionsheet grade KEY.xml FILE_OR_DIR... [--csv PATH] [--feedback DIR] */
#include "cli.h"

#include "bank.h"
#include "grade.h"
#include "submission.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "usage: ionsheet grade KEY.xml FILE_OR_DIR... [--csv PATH] [--feedback DIR]\n"
    "\n"
    "Grades submissions against the key: answer files (answers/ID.txt filled in),\n"
    "XML submissions and class CSV files (student,1a,1b,...); a directory means\n"
    "the files directly in it. Writes the gradebook CSV (default: gradebook.csv\n"
    "beside the key), one feedback file per student (default: feedback/ beside\n"
    "the key) and prints a summary. With a database (--db, $IONSHEET_DB or\n"
    "./ionsheet.db) that exists, also records every submission and grade there.\n"
    "Exit 1 when a file or a submission in it was refused.\n";

/* strerror(errno) in lower case, as messages are. */
static const char *os_error(void)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "%s", strerror(errno));
    buf[0] = (char)tolower((unsigned char)buf[0]);
    return buf;
}

typedef struct {
    ion_cli *cli;
    ion_gradebook *gb;
    ion_bank *bank;
    int refused;     /* submissions or files refused */
    int graded;
    int bank_failed;
    int progress;    /* a progress line is on the terminal */
} grade_run;

static void clear_progress(grade_run *run)
{
    if (run->progress) {
        fputs("\r\033[K", stderr);
        run->progress = 0;
    }
}

static void print_note(const ion_error *note, void *ctx)
{
    clear_progress(ctx);
    cli_report(note);
}

static int on_submission(const ion_submission *s, void *ctx)
{
    grade_run *run = ctx;
    ion_error err = {0};
    const ion_result *r;
    if (ion_gradebook_grade(run->gb, s, &r, print_note, run, &err) < 0) {
        clear_progress(run);
        cli_report(&err);
        run->refused++;
        return 0;
    }
    run->graded++;
    if (run->bank && !run->bank_failed && ion_gradebook_record(run->gb, run->bank, s, r, &err) < 0) {
        clear_progress(run);
        cli_report(&err);
        run->bank_failed = 1;
    }
    return 0;
}

/* ---- the files to grade ---------------------------------------------------- */

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
    size_t len = (dir ? strlen(dir) + 1 : 0) + strlen(name) + 1;
    char *path = malloc(len);
    if (!path)
        return -1;
    if (dir)
        snprintf(path, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
    else
        snprintf(path, len, "%s", name);
    l->paths[l->n++] = path;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files directly in dir, by name, but for hidden ones and the
 * key and the gradebook themselves (skip[0..nskip), by device and inode). */
static int add_dir(path_list *l, const char *dir, const struct stat *skip, size_t nskip)
{
    DIR *d = opendir(dir);
    if (!d) {
        cli_msg(dir, 0, "cannot read the directory: %s", os_error());
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
    qsort(l->paths + first, l->n - first, sizeof *l->paths, cmp_str);
    return ret;
}

/* ---- writing the outputs ------------------------------------------------------ */

/* Writes data to path; with atomic, through a temporary file and a
 * rename, so that a reader never sees half a gradebook. (Not for each
 * feedback file: a rename each is most of the time for a large class.) */
static int write_file(const char *path, const char *data, size_t len, int atomic)
{
    if (!atomic) {
        FILE *f = fopen(path, "wb");
        int bad = !f || fwrite(data, 1, len, f) != len;
        if (f)
            bad |= fclose(f) != 0;
        if (bad)
            cli_msg(path, 0, "cannot write: %s", os_error());
        return bad ? -1 : 0;
    }
    /* A dot file beside it: one that a kill leaves behind is never taken
     * for a submission when that directory is graded (add_dir skips it). */
    char tmp[4096];
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(tmp, sizeof tmp, "%.*s.%s.tmp%ld", (int)(base - path), path, base, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        cli_msg(path, 0, "cannot write: %s", os_error());
        return -1;
    }
    int bad = fwrite(data, 1, len, f) != len;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        cli_msg(path, 0, "cannot write: %s", os_error());
        remove(tmp);
        return -1;
    }
    return 0;
}

/* mkdir -p */
static int make_dir(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1;; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST) {
                cli_msg(dir, 0, "cannot create the directory: %s", os_error());
                return -1;
            }
            *p = c;
            if (!c)
                break;
        }
    }
    return 0;
}

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

static int write_feedback(const ion_gradebook *gb, const char *dir)
{
    if (make_dir(dir) < 0)
        return -1;
    const ion_answer_key *k = ion_gradebook_key(gb);
    char name[256], path[4096];
    for (size_t i = 0; i < ion_answer_key_students(k); i++) {
        size_t len;
        char *text = ion_gradebook_feedback(gb, i, &len);
        if (!text) {
            cli_msg(NULL, 0, "out of memory");
            return -1;
        }
        feedback_name(ion_answer_key_student_id(k, i), name, sizeof name);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        int ret = write_file(path, text, len, 0);
        free(text);
        if (ret < 0)
            return -1;
    }
    return 0;
}

/* dir/name beside the key (the key's directory, or "."). */
static char *beside(const char *key, const char *name)
{
    const char *slash = strrchr(key, '/');
    size_t dn = slash ? (size_t)(slash - key) : 1;
    char *p = malloc(dn + strlen(name) + 2);
    if (p)
        sprintf(p, "%.*s/%s", (int)dn, slash ? (dn ? key : "/") : ".", name);
    return p;
}

/* ---- the command ---------------------------------------------------------------- */

static int grade_files(grade_run *run, const path_list *files, const char *sub_xsd)
{
    ion_sub_parser *p = ion_sub_parser_new(sub_xsd);
    if (!p) {
        cli_msg(NULL, 0, "out of memory");
        return -1;
    }
    int show = !run->cli->quiet && files->n >= 100 && isatty(STDERR_FILENO);
    size_t step = files->n / 100 + 1;
    for (size_t i = 0; i < files->n; i++) {
        ion_error err = {0};
        if (ion_sub_parse_file(p, files->paths[i], on_submission, run, &err) < 0) {
            clear_progress(run);
            cli_report(&err);
            run->refused++;
        }
        if (show && i % step == 0) {
            fprintf(stderr, "\rgrading %zu/%zu", i + 1, files->n);
            run->progress = 1;
        }
    }
    clear_progress(run);
    ion_sub_parser_free(p);
    return 0;
}

int cmd_grade(int argc, char **argv, ion_cli *cli)
{
    if (cli_wants_help(argc, argv, usage))
        return EXIT_OK;
    const char *key_path = NULL, *csv_opt = NULL, *fb_opt = NULL;
    const char **inputs = calloc((size_t)argc, sizeof *inputs);
    size_t ninputs = 0;
    if (!inputs)
        return EXIT_IO;
    for (int i = 1; i < argc; i++) {
        int r;
        if ((r = cli_option(argc, argv, &i, "--csv", &csv_opt)) || (r = cli_option(argc, argv, &i, "--feedback", &fb_opt))) {
            if (r < 0) {
                free(inputs);
                return EXIT_USAGE;
            }
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cli_msg(NULL, 0, "grade: unknown option '%s'", argv[i]);
            free(inputs);
            return EXIT_USAGE;
        } else if (!key_path) {
            key_path = argv[i];
        } else {
            inputs[ninputs++] = argv[i];
        }
    }
    if (!key_path || !ninputs) {
        fputs(usage, stderr);
        free(inputs);
        return EXIT_USAGE;
    }

    int code = EXIT_OK;
    ion_error err = {0};
    char *sub_xsd = strdup(cli_resource("schema/submission.xsd"));
    char *csv_path = csv_opt ? strdup(csv_opt) : beside(key_path, "gradebook.csv");
    char *fb_dir = fb_opt ? strdup(fb_opt) : beside(key_path, "feedback");
    ion_answer_key *key = NULL;
    ion_gradebook *gb = NULL;
    path_list files = {0};
    grade_run run = {cli, NULL, NULL, 0, 0, 0, 0};
    if (!sub_xsd || !csv_path || !fb_dir) {
        code = EXIT_IO;
        goto done;
    }
    /* The reader checks every element, attribute, number, id and
     * expression of the key itself; the XSD pass on top would more than
     * double the load time of a large class's key for nothing more. */
    if (!(key = ion_answer_key_load(key_path, NULL, &err))) {
        cli_report(&err);
        code = EXIT_INPUT;
        goto done;
    }
    if (!(gb = run.gb = ion_gradebook_new(key, cli->lang))) {
        code = EXIT_IO;
        goto done;
    }
    struct stat skip[2];
    size_t nskip = 0;
    nskip += stat(key_path, &skip[nskip]) == 0;
    nskip += stat(csv_path, &skip[nskip]) == 0;
    for (size_t i = 0; i < ninputs; i++) {
        struct stat st;
        int r = 0;
        if (stat(inputs[i], &st) != 0) {
            cli_msg(inputs[i], 0, "cannot open: %s", os_error());
            run.refused++;
        } else if (S_ISDIR(st.st_mode)) {
            r = add_dir(&files, inputs[i], skip, nskip);
            run.refused += r > 0;
        } else {
            r = add_path(&files, NULL, inputs[i]);
        }
        if (r < 0) {
            cli_msg(NULL, 0, "out of memory");
            code = EXIT_IO;
            goto done;
        }
    }
    /* A database is used when there is one; grading never creates one. */
    if (access(cli->db_path, F_OK) == 0) {
        if (!(run.bank = cli_open_bank(cli, 0))) {
            code = EXIT_IO;
            goto done;
        }
        if (ion_bank_begin(run.bank, &err) < 0) {
            cli_report(&err);
            code = EXIT_IO;
            goto done;
        }
    }
    if (grade_files(&run, &files, sub_xsd) < 0) {
        code = EXIT_IO;
        goto done;
    }

    size_t len;
    char *csv = ion_gradebook_csv(gb, &len);
    int out_failed = !csv || write_file(csv_path, csv, len, 1) < 0;
    free(csv);
    out_failed |= write_feedback(gb, fb_dir) < 0;
    if (run.bank) {
        if (!run.bank_failed && ion_bank_commit(run.bank, &err) < 0) {
            cli_report(&err);
            run.bank_failed = 1;
        }
        if (run.bank_failed) {
            ion_bank_rollback(run.bank, NULL);
            cli_msg(cli->db_path, 0, "no grade was recorded in the database");
        }
    }
    if (!cli->quiet) {
        char *summary = ion_gradebook_summary(gb);
        if (summary)
            fputs(summary, stdout);
        free(summary);
        printf("gradebook: %s\nfeedback: %s/\n", csv_path, fb_dir);
        if (run.bank && !run.bank_failed)
            printf("recorded %d submissions in %s\n", run.graded, cli->db_path);
        if (run.refused)
            printf("%d %s refused (see the messages above)\n", run.refused,
                   run.refused == 1 ? "file or submission" : "files or submissions");
    }
    code = out_failed || run.bank_failed ? EXIT_IO : run.refused ? EXIT_FAILURES : EXIT_OK;
done:
    if (run.bank) {
        ion_bank_rollback(run.bank, NULL);
        ion_bank_close(run.bank);
    }
    for (size_t i = 0; i < files.n; i++)
        free(files.paths[i]);
    free(files.paths);
    ion_gradebook_free(gb);
    ion_answer_key_free(key);
    free(sub_xsd);
    free(csv_path);
    free(fb_dir);
    free(inputs);
    return code;
}
