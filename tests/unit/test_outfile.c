/* Safe output files (outfile.h): temporaries, commit, abort, modes,
 * planted links, directories others can write, long paths, what a dead
 * writer left. Each test works in a fresh mkdtemp directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

static char *scratch(void)
{
    char tmpl[] = "/tmp/ionsheet-outfile-XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

static char *path_in(const char *dir, const char *name)
{
    char *p = ion_path_join(dir, name);
    assert_non_null(p);
    return p;
}

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

static void clean(char *dir)
{
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(dir);
}

/* Nothing under the final name until the commit; then the bytes, 0600. */
static void test_commit(void **state)
{
    (void)state;
    char *dir = scratch(), *key = path_in(dir, "out/key.xml");
    ion_error err = {0};
    ion_outdir *d = ion_outdir_open(key, &err); /* a directory named key.xml, made */
    assert_non_null(d);
    ion_outdir_close(d);
    free(key);
    char *out = path_in(dir, "out");
    d = ion_outdir_open(out, &err);
    assert_non_null(d);
    ion_output *o = ion_output_new();
    /* key.xml is a directory there: refused at the end, not after the commit */
    assert_int_equal(ion_output_write(o, d, "key.xml", ION_OUT_PRIVATE, "x", 1, &err), -1);
    assert_non_null(strstr(err.msg, "is a directory"));
    assert_int_equal(err.io, 1);
    FILE *f = ion_output_begin(o, d, "a.txt", ION_OUT_PRIVATE, &err);
    assert_non_null(f);
    fputs("hello", f);
    assert_int_equal(ion_output_end(o, f, &err), 0);
    char *a = path_in(out, "a.txt");
    assert_int_equal(access(a, F_OK), -1);
    assert_int_equal(entries(out), 2); /* key.xml/ and the temporary */
    assert_int_equal(ion_output_commit(o, &err), 0);
    struct stat st;
    assert_int_equal(stat(a, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, 5);
    assert_int_equal(entries(out), 2);
    ion_output_free(o);
    ion_outdir_close(d);
    free(a);
    free(out);
    clean(dir);
}

/* Abort (and free) leave nothing; a public file follows the umask. */
static void test_abort_and_modes(void **state)
{
    (void)state;
    char *dir = scratch();
    ion_error err = {0};
    ion_outdir *d = ion_outdir_open(dir, &err);
    ion_output *o = ion_output_new();
    assert_int_equal(ion_output_write(o, d, "one", ION_OUT_PUBLIC, "1", 1, &err), 0);
    assert_non_null(ion_output_begin(o, d, "two", ION_OUT_PUBLIC, &err)); /* left open */
    assert_int_equal(entries(dir), 2);
    ion_output_free(o);
    assert_int_equal(entries(dir), 0);
    mode_t old = umask(027);
    o = ion_output_new();
    assert_int_equal(ion_output_write(o, d, "pub", ION_OUT_PUBLIC, "1", 1, &err), 0);
    assert_int_equal(ion_output_commit(o, &err), 0);
    umask(old);
    char *pub = path_in(dir, "pub");
    struct stat st;
    assert_int_equal(stat(pub, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    ion_output_free(o);
    ion_outdir_close(d);
    free(pub);
    clean(dir);
}

/* A link planted under the final name is replaced, never followed. */
static void test_planted_link(void **state)
{
    (void)state;
    char *dir = scratch(), *victim = path_in(dir, "victim"), *link = path_in(dir, "key.xml");
    FILE *v = fopen(victim, "w");
    fputs("precious", v);
    fclose(v);
    assert_int_equal(symlink(victim, link), 0);
    ion_error err = {0};
    ion_outdir *d = ion_outdir_open(dir, &err);
    ion_output *o = ion_output_new();
    assert_int_equal(ion_output_write(o, d, "key.xml", ION_OUT_PRIVATE, "key", 3, &err), 0);
    assert_int_equal(ion_output_commit(o, &err), 0);
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(stat(victim, &st), 0);
    assert_int_equal(st.st_size, 8);
    ion_output_free(o);
    ion_outdir_close(d);
    free(victim);
    free(link);
    clean(dir);
}

/* o+w without the sticky bit: refused; a path of PATH_MAX bytes: refused,
 * with its length. */
static void test_refused_dirs(void **state)
{
    (void)state;
    char *dir = scratch();
    ion_error err = {0};
    assert_int_equal(chmod(dir, 0777), 0);
    assert_null(ion_outdir_open(dir, &err));
    assert_non_null(strstr(err.msg, "other users can write"));
    assert_int_equal(chmod(dir, 01777), 0); /* sticky and ours */
    ion_outdir *d = ion_outdir_open(dir, &err);
    assert_non_null(d);
    ion_outdir_close(d);
    char *long_path = malloc(PATH_MAX + 1);
    memset(long_path, 'a', PATH_MAX);
    long_path[PATH_MAX] = '\0';
    assert_null(ion_outdir_open(long_path, &err));
    assert_non_null(strstr(err.msg, "4096 bytes"));
    free(long_path);
    const char *name;
    assert_null(ion_outdir_of("somewhere/", &name, &err));
    clean(dir);
}

/* A temporary whose writer is gone is removed when the directory is
 * opened again; one of a live process (ours) and other dot files stay. */
static void test_dead_temps(void **state)
{
    (void)state;
    char *dir = scratch();
    char name[64];
    /* pid 2^22 + 1 is above Linux's pid_max limit: never running */
    const char *names[] = {".key.xml.4194305.abc123.tmp", name, ".hidden", ".x.4194305.abc.tmp"};
    snprintf(name, sizeof name, ".key.xml.%ld.abc123.tmp", (long)getppid());
    for (int i = 0; i < 4; i++) {
        char *p = path_in(dir, names[i]);
        fclose(fopen(p, "w"));
        free(p);
    }
    ion_error err = {0};
    ion_outdir *d = ion_outdir_open(dir, &err);
    assert_non_null(d);
    ion_outdir_close(d);
    char *gone = path_in(dir, names[0]);
    assert_int_equal(access(gone, F_OK), -1);
    assert_int_equal(entries(dir), 3);
    free(gone);
    clean(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commit),
        cmocka_unit_test(test_abort_and_modes),
        cmocka_unit_test(test_planted_link),
        cmocka_unit_test(test_refused_dirs),
        cmocka_unit_test(test_dead_temps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
