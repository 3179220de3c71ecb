/* Reading the answer key (schema/answer-key.xsd, v2; answer-key-1.xsd,
 * v1) for grading: fed in 64 KiB chunks through libxml2's SAX2 push
 * parser, so a key never exists whole, as a tree or as bytes; every
 * expression compiled once per template version. The reader checks the
 * structure itself (elements, attributes, numbers, ids, expressions) for
 * every student, keeps the templates, shapes and an index of the students
 * (id, name, points), and puts what each student's element gave in a
 * record (gradekey_student.c) in the key's store; ion_answer_key_student
 * makes that student's instances (gradekey.h) from their record when the
 * grader needs them, so the XML is parsed once. The XSD, when given, is
 * checked in a second pass. This file is the key's life (open, index,
 * load a student, free), its store and what the grader asks of it; the
 * reading itself is in gradekey_xml.c and the files it names. */
#include "gradekey_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/xmlschemas.h>

/* Where the records past the store's memory go: $TMPDIR, else /tmp. */
static const char *spill_dir(void)
{
    const char *dir = getenv("TMPDIR");
    return dir && *dir ? dir : "/tmp";
}

static int cmp_columns(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    long nx = strtol(x, NULL, 10), ny = strtol(y, NULL, 10);
    if (nx != ny)
        return nx < ny ? -1 : 1;
    return strcmp(x, y);
}

/* Student i's sheet points at their instances, which key->insts holds
 * whole once the student is read. */
static void link_sheet(ion_answer_key *k, size_t i)
{
    k->students[i].sheet.inst = &k->insts[k->students[i].inst0];
    k->students[i].sheet.count = k->nstudents;
}

int key_finish(ion_answer_key *k, const char *name, ion_error *err)
{
    const char **sorted = malloc((k->ncolumns + 1) * sizeof *sorted);
    size_t *map = k->column_sorted = malloc((k->ncolumns + 1) * sizeof *map);
    k->index_cap = 16;
    while (k->index_cap < k->nstudents * 2)
        k->index_cap *= 2;
    k->index = calloc(k->index_cap, sizeof *k->index);
    if (!sorted || !map || !k->index) {
        free(sorted);
        return ion_fail_key(err, name, 0, "err.out_of_memory", "-");
    }
    /* A key without students has no columns, and k->columns is NULL: not
     * even 0 bytes may be copied from or to NULL. */
    if (k->ncolumns)
        memcpy(sorted, k->columns, k->ncolumns * sizeof *sorted);
    qsort(sorted, k->ncolumns, sizeof *sorted, cmp_columns);
    for (size_t i = 0; i < k->ncolumns; i++)
        for (size_t j = 0; j < k->ncolumns; j++)
            if (sorted[j] == k->columns[i])
                map[i] = j;
    if (k->ncolumns)
        memcpy(k->columns, sorted, k->ncolumns * sizeof *sorted);
    /* A whole key's parts were read before the columns were sorted. */
    for (size_t i = 0; i < k->nparts; i++)
        k->parts[i].column = map[k->parts[i].column];
    for (size_t i = 0; k->whole && i < k->nstudents; i++)
        link_sheet(k, i);
    free(sorted);
    if (k->store.file && fflush(k->store.file) != 0)
        return ion_fail_key(err, name, 0, "err.key.spill", "%s%s", spill_dir(), strerror(errno));
    for (size_t i = 0; i < k->nstudents; i++) {
        const char *id = k->students[i].sheet.id;
        size_t j = ion_hash_str(id) & (k->index_cap - 1);
        for (; k->index[j]; j = (j + 1) & (k->index_cap - 1))
            if (!strcmp(k->students[k->index[j] - 1].sheet.id, id))
                return ion_fail_key(err, name, 0, "err.key.student_twice", "%s", id);
        k->index[j] = i + 1;
    }
    return 0;
}


/* ---- the store of records ------------------------------------------------ */

/* An unlinked temporary file in spill_dir(); NULL with errno set. */
static FILE *spill_file(void)
{
    const char *dir = spill_dir();
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/ionsheet-key-XXXXXX", dir) >= sizeof path) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    unlink(path);
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    FILE *f = fdopen(fd, "w+b");
    if (!f)
        close(fd);
    return f;
}

int kr_store_put(ion_answer_key *k, const void *rec, size_t len, size_t *at, ion_error *err)
{
    key_store *st = &k->store;
    if (!st->file && st->mem_len <= st->memory && len <= st->memory - st->mem_len) {
        if (kr_grow(&st->mem, &st->mem_cap, st->mem_len + len, 1) < 0)
            return ion_fail_key(err, k->name, 0, "err.out_of_memory", "-");
        memcpy(st->mem + st->mem_len, rec, len);
        *at = st->mem_len;
        /* the next record aligned as this one (gradekey_student.c) */
        st->mem_len = (st->mem_len + len + _Alignof(max_align_t) - 1) / _Alignof(max_align_t) * _Alignof(max_align_t);
        return 0;
    }
    if (!st->file && !(st->file = spill_file()))
        return ion_fail_key(err, k->name, 0, "err.key.spill", "%s%s", spill_dir(), strerror(errno));
    if (len && fwrite(rec, 1, len, st->file) != len)
        return ion_fail_key(err, k->name, 0, "err.key.spill", "%s%s", spill_dir(), strerror(errno));
    *at = st->mem_len + st->file_len;
    st->file_len += len;
    return 0;
}

const char *kr_store_get(key_reader *kr, size_t at, size_t len, ion_error *err)
{
    const key_store *st = &kr->k->store;
    if (at < st->mem_len)
        return st->mem + at;
    if (kr_grow(&kr->rec, &kr->rec_cap, len, 1) < 0) {
        ion_fail_key(err, kr->name, 0, "err.out_of_memory", "-");
        return NULL;
    }
    ssize_t got = pread(fileno(st->file), kr->rec, len, (off_t)(at - st->mem_len));
    if (got != (ssize_t)len) {
        ion_fail_key(err, kr->name, 0, "err.key.spill", "%s%s", spill_dir(),
                     got < 0 ? strerror(errno) : strerror(EIO));
        return NULL;
    }
    return kr->rec;
}

static void keep_validity_error(void *ctx, xmlErrorPtr e)
{
    if (e && e->level >= XML_ERR_ERROR)
        ion_xml_keep(ctx, e);
}

/* Validates a key the reader accepted against the schema, in a second
 * pass that always runs to the end: libxml2 2.9 leaks when a validator is
 * stopped early or meets a document that is not well-formed. */
static int validate(const char *data, size_t len, const char *name, xmlSchemaPtr schema, ion_error *err)
{
    ion_xml_error x = {0};
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    xmlParserInputBufferPtr in = xmlParserInputBufferCreateMem(data, (int)len, XML_CHAR_ENCODING_NONE);
    int rc = -1;
    if (vc && in) {
        xmlSchemaSetValidStructuredErrors(vc, keep_validity_error, &x);
        xmlSetStructuredErrorFunc(&x, keep_validity_error);
        rc = xmlSchemaValidateStream(vc, in, XML_CHAR_ENCODING_NONE, NULL, NULL);
        xmlSetStructuredErrorFunc(NULL, NULL);
        in = NULL; /* the stream owns and frees it */
    }
    xmlFreeParserInputBuffer(in);
    xmlSchemaFreeValidCtxt(vc);
    if (rc == 0 && !x.seen)
        return 0;
    return x.seen ? ion_fail(err, name, x.line, "%s", x.msg) : ion_fail_key(err, name, x.line, "err.key.schema", "-");
}

/* Reads the key whose bytes k->fd or k->data give (len of them): every
 * student checked, the templates and shapes kept, the students indexed. */
static ion_answer_key *read_key(ion_answer_key *k, size_t len, const char *name, ion_error *err)
{
    key_reader *kr = calloc(1, sizeof *kr);
    k->reader = kr;
    k->mem = ion_arena_new();
    k->loaded_mem = k->whole ? k->mem : ion_arena_new();
    if (!kr || !k->mem || !k->loaded_mem || !(kr->tmp = ion_arena_new())) {
        ion_fail_key(err, name, 0, "err.out_of_memory", "-");
        ion_answer_key_free(k);
        return NULL;
    }
    kr->name = k->name = name;
    kr->err = err;
    kr->k = k;
    if (kr_parse(kr, len) < 0 || key_finish(k, name, err) < 0) {
        ion_answer_key_free(k);
        return NULL;
    }
    return k;
}

ion_answer_key *ion_answer_key_parse(const char *data, size_t len, const char *name,
                                     const char *xsd_path, ion_error *err)
{
    ion_xml_init();
    if (!name)
        name = "key";
    int dt = ion_xml_doctype_line(data, len);
    if (dt) {
        ion_fail_key(err, name, dt, "err.key.doctype_decl", "-");
        return NULL;
    }
    xmlSchemaPtr schema = NULL;
    if (xsd_path && !(schema = ion_xml_schema(xsd_path, err)))
        return NULL;
    ion_answer_key *k = calloc(1, sizeof *k);
    if (k)
        k->data = malloc(len + 1);
    if (!k || !k->data) {
        free(k);
        ion_fail_key(err, name, 0, "err.out_of_memory", "-");
        return NULL;
    }
    k->fd = -1;
    memcpy(k->data, data, len);
    k->data_len = len;
    k->whole = 1;
    if (!(k = read_key(k, len, name, err)))
        return NULL;
    free(k->data); /* whole: never read again */
    k->data = NULL;
    if (schema && validate(data, len, name, schema, err) < 0) {
        ion_answer_key_free(k);
        return NULL;
    }
    return k;
}

ion_answer_key *ion_answer_key_load(const char *path, const char *xsd_path, ion_error *err)
{
    return ion_answer_key_load_kept(path, xsd_path, KEY_MEMORY, err);
}

ion_answer_key *ion_answer_key_load_kept(const char *path, const char *xsd_path, size_t memory, ion_error *err)
{
    ion_xml_init();
    xmlSchemaPtr schema = NULL;
    if (xsd_path && !(schema = ion_xml_schema(xsd_path, err)))
        return NULL;
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        ion_fail_key(err, path, 0, "err.key.open", "%s", strerror(errno));
        return NULL;
    }
    /* errno only when fstat failed: a directory leaves an older one. */
    int unreadable = fstat(fd, &st) < 0;
    if (unreadable || !S_ISREG(st.st_mode)) {
        if (unreadable)
            ion_fail_key(err, path, 0, "err.key.read", "%s", strerror(errno));
        else
            ion_fail_key(err, path, 0, "err.key.not_a_file", "-");
        close(fd);
        return NULL;
    }
    ion_answer_key *k = calloc(1, sizeof *k);
    if (!k) {
        close(fd);
        ion_fail_key(err, path, 0, "err.out_of_memory", "-");
        return NULL;
    }
    k->fd = fd;
    k->store.memory = memory;
    if (!(k = read_key(k, (size_t)st.st_size, path, err)))
        return NULL;
    close(k->fd); /* read once: the store has the students */
    k->fd = -1;
    if (schema) {
        ion_xml_error x = {0};
        xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
        int rc = -1;
        if (vc) {
            xmlSchemaSetValidStructuredErrors(vc, keep_validity_error, &x);
            rc = xmlSchemaValidateFile(vc, path, 0);
        }
        xmlSchemaFreeValidCtxt(vc);
        if (rc != 0 || x.seen) {
            if (x.seen)
                ion_fail(err, path, x.line, "%s", x.msg);
            else
                ion_fail_key(err, path, x.line, "err.key.schema", "-");
            ion_answer_key_free(k);
            return NULL;
        }
    }
    return k;
}

int ion_answer_key_student(ion_answer_key *k, size_t i, ion_error *err)
{
    if (k->whole || k->loaded == i + 1)
        return 0;
    key_reader *kr = k->reader;
    const key_student *s = &k->students[i];
    if (k->loaded)
        k->students[k->loaded - 1].sheet.inst = NULL;
    kr_drop_student(k);
    k->loaded = 0;
    kr->err = err;
    kr->failed = 0;
    const char *rec = kr_store_get(kr, s->rec, s->rec_len, err);
    if (!rec || kr_load_student(kr, rec, s->rec_len, s->sheet.n) < 0) {
        kr_drop_student(k);
        return -1;
    }
    link_sheet(k, i);
    k->loaded = i + 1;
    return 0;
}

void ion_answer_key_free(ion_answer_key *k)
{
    if (!k)
        return;
    if (k->fd >= 0)
        close(k->fd);
    free(k->data);
    kr_reader_free(k->reader);
    for (size_t i = 0; i < k->nshapes; i++) {
        size_t t = 0; /* a key v2 template compiled as a shape is freed below */
        while (t < k->ntemplates && k->templates[t] != k->shapes[i])
            t++;
        if (t == k->ntemplates)
            ion_template_free(k->shapes[i]);
    }
    free(k->shapes);
    free(k->students);
    free(k->insts);
    free(k->parts);
    for (size_t i = 0; i < k->ntemplates; i++)
        ion_template_free(k->templates[i]);
    free(k->templates);
    free(k->columns);
    free(k->column_sorted);
    free(k->index);
    free(k->store.mem);
    if (k->store.file)
        fclose(k->store.file);
    if (k->loaded_mem != k->mem)
        ion_arena_free(k->loaded_mem);
    ion_arena_free(k->mem);
    free(k);
}

/* ---- accessors ----------------------------------------------------------- */

const char *ion_answer_key_worksheet(const ion_answer_key *k) { return k->worksheet; }
const char *ion_answer_key_course(const ion_answer_key *k) { return k->course; }
const char *ion_answer_key_title(const ion_answer_key *k) { return k->title; }
size_t ion_answer_key_students(const ion_answer_key *k) { return k->nstudents; }
size_t ion_answer_key_parts(const ion_answer_key *k) { return k->ncolumns; }
size_t ion_answer_key_shapes(const ion_answer_key *k) { return k->nshapes; }

const char *ion_answer_key_student_id(const ion_answer_key *k, size_t i)
{
    return i < k->nstudents ? k->students[i].sheet.id : NULL;
}

const char *ion_answer_key_student_name(const ion_answer_key *k, size_t i)
{
    return i < k->nstudents ? k->students[i].sheet.name : NULL;
}

double ion_answer_key_student_max(const ion_answer_key *k, size_t i)
{
    return i < k->nstudents ? k->students[i].max : 0;
}

const char *ion_answer_key_part_id(const ion_answer_key *k, size_t j)
{
    return j < k->ncolumns ? k->columns[j] : NULL;
}

long ion_answer_key_find(const ion_answer_key *k, const char *id)
{
    if (!id || !k->index_cap)
        return -1;
    for (size_t j = ion_hash_str(id) & (k->index_cap - 1); k->index[j]; j = (j + 1) & (k->index_cap - 1))
        if (!strcmp(k->students[k->index[j] - 1].sheet.id, id))
            return (long)(k->index[j] - 1);
    /* "S06" for s06: the one id equal but for case, when only one is. */
    long found = -1;
    for (size_t i = 0; i < k->nstudents; i++)
        if (!strcasecmp(k->students[i].sheet.id, id)) {
            if (found >= 0)
                return -1;
            found = (long)i;
        }
    return found;
}

/* ---- feedback ------------------------------------------------------------- */

const char *ion_key_feedback(const ion_answer_key *k, const key_part *p, size_t m, const char *lang,
                             ion_strbuf *out)
{
    const key_feedback *f = &p->feedback[m];
    const char *text = ion_i18n_pick(&f->text, lang);
    if (!text || !f->markup)
        return text;
    ion_strbuf_reset(out);
    return ion_instance_plain(&k->insts[p->inst], text, out) == 0 ? out->s : NULL;
}
