/* S_ISVTX (the sticky bit) is XSI. */
#define _XOPEN_SOURCE 700

#include "outfile.h"
#include "text.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <sodium.h>

#include "strbuf.h"

struct ion_outdir {
    int fd;
    char *path;
};

char *ion_path_join(const char *dir, const char *name)
{
    ion_strbuf b = {0};
    ion_strbuf_puts(&b, dir);
    if (b.len && b.s[b.len - 1] != '/')
        ion_strbuf_addch(&b, '/');
    ion_strbuf_puts(&b, name);
    return ion_strbuf_detach(&b, NULL);
}

/* Other users may change what is in a directory of this mode: o+w, unless
 * the sticky bit keeps them to their own files in a directory of ours. */
static int open_to_others(const struct stat *st)
{
    return (st->st_mode & S_IWOTH) && !((st->st_mode & S_ISVTX) && st->st_uid == geteuid());
}

/* One step of a walk down a path: component name in directory fd, made
 * when missing. A symbolic link is followed only when it is ours or sits
 * in a directory that nobody else can write to. Returns the new directory's fd, or -1 with err filled. */
static int step(int fd, const char *name, const char *path, ion_error *err)
{
    const int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
    int nfd = openat(fd, name, flags | O_NOFOLLOW);
    if (nfd < 0 && errno == ENOENT) {
        if (mkdirat(fd, name, 0777) != 0 && errno != EEXIST)
            return ion_fail_key(err, path, 0, "err.file.mkdir", "%s", ion_strerror(errno));
        nfd = openat(fd, name, flags | O_NOFOLLOW);
    }
    if (nfd >= 0)
        return nfd;
    int e = errno;
    struct stat link, here;
    if ((e == ELOOP || e == ENOTDIR) && fstatat(fd, name, &link, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISLNK(link.st_mode)) {
        /* As the kernel's protected_symlinks: in a directory others can
         * write, sticky or not, only our own links are followed. */
        if (fstat(fd, &here) != 0 || ((here.st_mode & S_IWOTH) && link.st_uid != geteuid()))
            return ion_fail_key(err, path, 0, "err.file.symlink", "-");
        if ((nfd = openat(fd, name, flags)) >= 0)
            return nfd;
        e = errno;
    }
    return ion_fail_key(err, path, 0, "err.file.opendir", "%s", ion_strerror(e));
}

/* The parts of a name ".NAME.PID.RANDOM.tmp" that ion_output_begin makes:
 * the pid, or 0 when name is not one. */
static long temp_pid(const char *name)
{
    size_t n = strlen(name);
    if (name[0] != '.' || n < 12 || strcmp(name + n - 4, ".tmp"))
        return 0;
    const char *end = name + n - 4 - 7; /* ".RANDOM" before ".tmp" */
    if (*end != '.')
        return 0;
    const char *p = end;
    while (p > name + 1 && p[-1] >= '0' && p[-1] <= '9')
        p--;
    if (p == end || p[-1] != '.')
        return 0;
    return strtol(p, NULL, 10);
}

/* Removes the temporaries that a process no longer running left in d (a
 * kill between the commit and the renames). */
static void remove_dead_temps(ion_outdir *d)
{
    int fd = dup(d->fd);
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dir) {
        if (fd >= 0)
            close(fd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(dir))) {
        long pid = temp_pid(e->d_name);
        if (pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH)
            unlinkat(d->fd, e->d_name, 0);
    }
    closedir(dir);
}

static ion_outdir *outdir_new(int fd, const char *path, ion_error *err)
{
    struct stat st;
    ion_outdir *d = NULL;
    if (fstat(fd, &st) != 0) {
        ion_fail_key(err, path, 0, "err.file.opendir", "%s", ion_strerror(errno));
    } else if (open_to_others(&st)) {
        ion_fail_key(err, path, 0, "err.file.shared_dir", "-");
    } else if (!(d = calloc(1, sizeof *d)) || !(d->path = strdup(path))) {
        ion_fail_key(err, path, 0, "err.out_of_memory", "-");
        free(d);
        d = NULL;
    }
    if (!d) {
        close(fd);
        return NULL;
    }
    d->fd = fd;
    remove_dead_temps(d);
    return d;
}

ion_outdir *ion_outdir_open(const char *path, ion_error *err)
{
    size_t n = strlen(path);
    if (n == 0 || n >= PATH_MAX) {
        ion_fail_key(err, NULL, 0, "err.file.path_length", "%zu%d", n,
                 PATH_MAX - 1);
        return NULL;
    }
    char *copy = strdup(path);
    int fd = copy ? open(path[0] == '/' ? "/" : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd < 0 && !copy)
        ion_fail_key(err, path, 0, "err.out_of_memory", "-");
    else if (fd < 0)
        ion_fail_key(err, path, 0, "err.file.opendir", "%s", ion_strerror(errno));
    char *save = NULL;
    for (char *c = copy ? strtok_r(copy, "/", &save) : NULL; fd >= 0 && c; c = strtok_r(NULL, "/", &save)) {
        if (!strcmp(c, "."))
            continue;
        int nfd = step(fd, c, path, err);
        close(fd);
        fd = nfd;
    }
    free(copy);
    return fd < 0 ? NULL : outdir_new(fd, path, err);
}

ion_outdir *ion_outdir_sub(ion_outdir *d, const char *name, ion_error *err)
{
    char *path = ion_path_join(d->path, name);
    if (!path) {
        ion_fail_key(err, d->path, 0, "err.out_of_memory", "-");
        return NULL;
    }
    int fd = step(d->fd, name, path, err);
    ion_outdir *sub = fd < 0 ? NULL : outdir_new(fd, path, err);
    free(path);
    return sub;
}

const char *ion_outdir_path(const ion_outdir *d)
{
    return d->path;
}

void ion_outdir_close(ion_outdir *d)
{
    if (!d)
        return;
    close(d->fd);
    free(d->path);
    free(d);
}

/* ---- the files ---- */

enum { PEND_OPEN, PEND_ENDED, PEND_DONE };

typedef struct {
    ion_outdir *dir;
    char *tmp, *name;
    FILE *f;
    int state;
} pending;

struct ion_output {
    pending *p;
    size_t n, cap;
    size_t committed; /* p[0..committed) are renamed or removed */
};

ion_output *ion_output_new(void)
{
    return calloc(1, sizeof(ion_output));
}

/* Fills err at the file's path with the catalogue's message key, which
 * takes the system's reason for e. */
static int fail_file(ion_error *err, const ion_outdir *d, const char *name, const char *key, int e)
{
    char *path = ion_path_join(d->path, name);
    ion_fail_key(err, path ? path : name, 0, key, "%s", ion_strerror(e));
    if (err)
        err->io = 1;
    free(path);
    return -1;
}

/* ".NAME.PID.RANDOM.tmp": a dot file (never graded as a submission, not
 * listed by ls), its pid telling a later run whether its writer is gone.
 * A long NAME is shortened here only: the temporary's name is ours. */
static char *temp_name(const char *name)
{
    static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char bytes[6];
    char rnd[7];
    /* One call: each of libsodium's is a getrandom() system call, and
     * grade writes one temporary for every student. */
    randombytes_buf(bytes, sizeof bytes);
    for (int i = 0; i < 6; i++)
        rnd[i] = alnum[bytes[i] % (sizeof alnum - 1)];
    rnd[6] = '\0';
    ion_strbuf b = {0};
    ion_strbuf_printf(&b, ".%.200s.%ld.%s.tmp", name, (long)getpid(), rnd);
    return ion_strbuf_detach(&b, NULL);
}

FILE *ion_output_begin(ion_output *o, ion_outdir *d, const char *name, int mode, ion_error *err)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 16;
        pending *p = realloc(o->p, cap * sizeof *p);
        if (!p) {
            fail_file(err, d, name, "err.file.create", ENOMEM);
            return NULL;
        }
        o->p = p;
        o->cap = cap;
    }
    if (sodium_init() < 0) {
        fail_file(err, d, name, "err.file.create", EAGAIN);
        return NULL;
    }
    pending *p = &o->p[o->n];
    *p = (pending){d, NULL, strdup(name), NULL, PEND_OPEN};
    int fd = -1, tries = 0;
    do { /* O_EXCL: a name that exists, whatever it is, is never opened */
        free(p->tmp);
        p->tmp = temp_name(name);
        errno = ENOMEM;
        if (p->tmp && p->name)
            fd = openat(d->fd, p->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                        mode == ION_OUT_PRIVATE ? 0600 : 0666);
    } while (fd < 0 && errno == EEXIST && ++tries < 100);
    if (fd >= 0 && !(p->f = fdopen(fd, "wb"))) {
        int e = errno;
        close(fd);
        unlinkat(d->fd, p->tmp, 0);
        errno = e;
        fd = -1;
    }
    if (fd < 0) {
        fail_file(err, d, name, "err.file.create", errno);
        free(p->tmp);
        free(p->name);
        return NULL;
    }
    o->n++;
    return p->f;
}

static pending *find(ion_output *o, FILE *f)
{
    for (size_t i = o->n; i-- > 0;)
        if (o->p[i].f == f && o->p[i].state == PEND_OPEN)
            return &o->p[i];
    return NULL;
}

static void discard(pending *p)
{
    if (p->f)
        fclose(p->f);
    p->f = NULL;
    if (p->state != PEND_DONE)
        unlinkat(p->dir->fd, p->tmp, 0);
    p->state = PEND_DONE;
}

/* Why writes to f failed, when errno no longer says: the file size limit
 * reached (EFBIG), the file system full (ENOSPC), or else EIO. */
static int write_errno(FILE *f)
{
    struct stat st;
    struct rlimit lim;
    struct statvfs fs;
    int fd = fileno(f);
    if (fstat(fd, &st) == 0 && getrlimit(RLIMIT_FSIZE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY &&
        (unsigned long long)st.st_size + BUFSIZ >= (unsigned long long)lim.rlim_cur)
        return EFBIG;
    if (fstatvfs(fd, &fs) == 0 && fs.f_bavail == 0)
        return ENOSPC;
    return EIO;
}

int ion_output_end(ion_output *o, FILE *f, ion_error *err)
{
    pending *p = find(o, f);
    if (!p)
        return ion_fail_key(err, NULL, 0, "err.file.not_begun", "-");
    int bad = ferror(f), e = bad ? write_errno(f) : 0;
    if (!bad && fflush(f) != 0) {
        bad = 1;
        e = errno;
    }
    p->f = NULL;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    /* The rename comes after the database's commit: what would make it
     * fail (a directory of that name) is found now. */
    struct stat st;
    if (!bad && fstatat(p->dir->fd, p->name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
        bad = 1;
        e = EISDIR;
    }
    if (bad) {
        fail_file(err, p->dir, p->name, "err.file.write", e);
        discard(p);
        return -1;
    }
    p->state = PEND_ENDED;
    return 0;
}

int ion_output_write(ion_output *o, ion_outdir *d, const char *name, int mode, const void *data,
                     size_t len, ion_error *err)
{
    FILE *f = ion_output_begin(o, d, name, mode, err);
    if (!f)
        return -1;
    fwrite(data, 1, len, f);
    return ion_output_end(o, f, err);
}

int ion_output_commit(ion_output *o, ion_error *err)
{
    for (; o->committed < o->n; o->committed++) {
        pending *p = &o->p[o->n - 1 - o->committed];
        if (p->state == PEND_DONE)
            continue;
        if (p->state != PEND_ENDED)
            return fail_file(err, p->dir, p->name, "err.file.write", EBUSY);
        if (renameat(p->dir->fd, p->tmp, p->dir->fd, p->name) != 0)
            return fail_file(err, p->dir, p->name, "err.file.rename", errno);
        p->state = PEND_DONE;
    }
    return 0;
}

void ion_output_abort(ion_output *o)
{
    for (; o->committed < o->n; o->committed++)
        discard(&o->p[o->n - 1 - o->committed]);
}

void ion_output_free(ion_output *o)
{
    if (!o)
        return;
    ion_output_abort(o);
    for (size_t i = 0; i < o->n; i++) {
        free(o->p[i].tmp);
        free(o->p[i].name);
    }
    free(o->p);
    free(o);
}

ion_outdir *ion_outdir_of(const char *path, const char **name, ion_error *err)
{
    const char *slash = strrchr(path, '/');
    *name = slash ? slash + 1 : path;
    if (!**name) {
        ion_fail_key(err, path, 0, "err.file.is_directory", "-");
        return NULL;
    }
    ion_strbuf dir = {0};
    if (!slash)
        ion_strbuf_puts(&dir, ".");
    else
        ion_strbuf_add(&dir, path, slash == path ? 1 : (size_t)(slash - path));
    char *d = ion_strbuf_detach(&dir, NULL);
    ion_outdir *od = d ? ion_outdir_open(d, err) : NULL;
    if (!d)
        ion_fail_key(err, path, 0, "err.out_of_memory", "-");
    free(d);
    return od;
}

int ion_write_file(const char *path, int mode, const void *data, size_t len, ion_error *err)
{
    const char *name;
    ion_outdir *d = ion_outdir_of(path, &name, err);
    ion_output *o = d ? ion_output_new() : NULL;
    if (d && !o)
        ion_fail_key(err, path, 0, "err.out_of_memory", "-");
    int ret = !o || ion_output_write(o, d, name, mode, data, len, err) || ion_output_commit(o, err);
    ion_output_free(o);
    ion_outdir_close(d);
    return ret ? -1 : 0;
}
