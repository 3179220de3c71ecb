/* The files of a generated worksheet: ion_generate with a sink that renders
 * every student into the outputs of outfile.h. */
#include "generate.h"

#include <stdlib.h>
#include <string.h>

#include "class_fonts.h"
#include "classroom.h"
#include "csv.h"
#include "outfile.h"
#include "render.h"
#include "render_pdf.h"
#include "text.h"
#include "tmpl.h"

typedef struct {
    const ion_generate_opts *o;
    const ion_worksheet *w;
    const ion_tmpl *tmpl;
    ion_output *out;
    ion_outdir *dir, *answers, *students; /* students: NULL without PDFs */
    FILE *key, *class_f, *solutions_f, *links;
    ion_bank *b;
    unsigned char secret[ION_BANK_SECRET_LEN]; /* keys the links' tokens */
    char link[1200];                           /* the current student's */
    ion_key_writer *key_writer;
    ion_pdf *class_pdf, *solutions_pdf; /* streamed to their files */
    ion_fontset *fonts; /* every PDF's embedded fonts, made once */
    int io_failed; /* a file could not be written: ION_GEN_EIO */
} files;

/* A stream that failed while a renderer wrote it: the reason, from
 * ending it (which removes its temporary). */
static int stream_failed(files *g, FILE **f, ion_error *err)
{
    g->io_failed = 1;
    ion_output_end(g->out, *f, err);
    *f = NULL;
    return -1;
}

/* The key's stream failed: its writer is dropped before the stream. */
static int key_failed(files *g, ion_error *err)
{
    ion_key_end(g->key_writer);
    g->key_writer = NULL;
    return stream_failed(g, &g->key, err);
}

/* A renderer of the class documents failed: when one of their streams
 * has a write error (a full disk, EFBIG), that is the reason, told with
 * the file's path. */
static int pdf_failed(files *g, ion_error *err)
{
    if (g->class_f && ferror(g->class_f))
        return stream_failed(g, &g->class_f, err);
    if (g->solutions_f && ferror(g->solutions_f))
        return stream_failed(g, &g->solutions_f, err);
    return -1;
}

/* Every PDF of the run: the run's fonts and paper. */
static int setup_doc(files *g, ion_pdf *p, ion_error *err)
{
    int letter = g->o->paper && !strcmp(g->o->paper, "letter");
    return ion_pdf_use_fonts(p, g->fonts, err) ||
           (letter && ion_pdf_set_paper(p, ION_PDF_LETTER, err)) ? -1 : 0;
}

/* students/ID.pdf (a student of the run only), and the student's pages in
 * class.pdf and solutions.pdf. */
static int write_pdfs(files *g, const ion_student_sheet *s, ion_error *err)
{
    ion_student_sheet linked = *s;
    linked.link = g->link; /* in the header, with its QR code */
    ion_pdf *one = s->own ? ion_pdf_new(g->tmpl, err) : NULL;
    ion_strbuf own = {0}; /* what only this student's worksheet prints */
    ion_strbuf_printf(&own, "%s %s", s->name ? s->name : "", s->id);
    if (s->own && (!one || setup_doc(g, one, err) ||
                   (own.oom ? ion_fail_key(err, NULL, 0, "err.out_of_memory", "-") : ion_pdf_own_chars(one, own.s, err)))) {
        ion_strbuf_release(&own);
        ion_pdf_free(one);
        return -1;
    }
    ion_strbuf_release(&own);
    ion_pdf *docs[] = {g->class_pdf, one}; /* laid out once, drawn twice */
    int rc = ion_pdf_add_worksheet_to(docs, one ? 2 : 1, &linked, err);
    if (!rc && one) {
        const unsigned char *data;
        size_t len;
        char name[ION_BANK_ID_MAX + 8];
        snprintf(name, sizeof name, "%s.pdf", s->id);
        g->io_failed = 1;
        rc = ion_pdf_bytes(one, &data, &len, err) ||
             ion_output_write(g->out, g->students, name, ION_OUT_PUBLIC, data, len, err);
        g->io_failed = rc != 0;
    }
    ion_pdf_free(one);
    if (rc)
        return g->io_failed ? -1 : pdf_failed(g, err);
    return ion_pdf_add_solutions(g->solutions_pdf, s, err) ? pdf_failed(g, err) : 0;
}

static int answer_file(files *g, const ion_student_sheet *s, ion_error *err)
{
    char name[ION_BANK_ID_MAX + 8];
    snprintf(name, sizeof name, "%s.txt", s->id);
    FILE *f = ion_output_begin(g->out, g->answers, name, ION_OUT_PUBLIC, err);
    if (!f) {
        g->io_failed = 1;
        return -1;
    }
    ion_answers_render(f, s, g->o->lang); /* a write error is seen when it ends */
    g->io_failed = ion_output_end(g->out, f, err) != 0;
    return g->io_failed ? -1 : 0;
}

/* The student's row of links.csv: student,name,email,url. */
static int link_row(files *g, const ion_student_sheet *s, ion_error *err)
{
    const char *base = g->o->base_url ? g->o->base_url : "http://127.0.0.1:8080/";
    char token[ION_TOKEN_LEN + 1];
    ion_bank_student_row row = {0};
    if (ion_bank_student_get(g->b, g->w->ws.course, s->id, &row, err) < 0)
        return -1;
    ion_link_token(g->secret, g->w->ws.course, g->w->ws.name, s->id, token);
    snprintf(g->link, sizeof g->link, "%s%ss/%s", base, base[0] && base[strlen(base) - 1] == '/' ? "" : "/", token);
    ion_strbuf b = {0};
    ion_csv_field(&b, s->id, 1);
    ion_strbuf_puts(&b, ",");
    ion_csv_field(&b, s->name, 1);
    ion_strbuf_puts(&b, ",");
    ion_csv_field(&b, row.email ? row.email : "", 1);
    ion_strbuf_printf(&b, ",%s\r\n", g->link);
    ion_bank_student_release(&row);
    int bad = b.oom || fwrite(b.s, 1, b.len, g->links) != b.len;
    ion_strbuf_release(&b);
    return bad ? stream_failed(g, &g->links, err) : 0;
}

static int write_student(const ion_student_sheet *s, void *ctx, ion_error *err)
{
    files *g = ctx;
    const char *why = ion_bank_id_problem(s->id);
    /* The bank checks ids on import; one put there by other means is not
     * used as a file name either. */
    if (why)
        return ion_fail_key(err, NULL, 0, "err.generate.student_id", "%.64s%s", s->id, ion_text_phrase(why));
    if (ion_key_student(g->key_writer, s))
        return key_failed(g, err);
    if (link_row(g, s, err))
        return -1;
    if ((g->class_pdf && write_pdfs(g, s, err)) || (s->own && answer_file(g, s, err)))
        return -1;
    if (g->o->progress)
        g->o->progress(s->index + 1, s->count, g->o->ctx);
    return 0;
}

/* A class document ended (ok) or dropped; its stream is handed to the
 * output set either way. */
static int class_doc_end(files *g, ion_pdf *p, FILE **f, ion_error *err)
{
    if (ion_pdf_finish(p, err)) {
        if (ferror(*f))
            return stream_failed(g, f, err);
        stream_failed(g, f, NULL);
        g->io_failed = 0; /* the renderer's own error, err says which */
        return -1;
    }
    int rc = ion_output_end(g->out, *f, err);
    *f = NULL;
    g->io_failed |= rc != 0;
    return rc;
}

/* Before the commit: every output whole under its temporary name. */
static int finish(void *ctx, ion_error *err)
{
    files *g = ctx;
    int bad = ion_key_end(g->key_writer) != 0;
    g->key_writer = NULL;
    if (bad)
        return stream_failed(g, &g->key, err);
    int rc = ion_output_end(g->out, g->key, err);
    g->key = NULL;
    rc = rc || ion_output_end(g->out, g->links, err);
    g->links = NULL;
    g->io_failed |= rc != 0;
    if (rc || !g->class_pdf)
        return rc;
    return class_doc_end(g, g->class_pdf, &g->class_f, err) ||
           class_doc_end(g, g->solutions_pdf, &g->solutions_f, err) ? -1 : 0;
}

/* The directories, the key and the class documents, begun. */
static int open_outputs(files *g, ion_bank *b, ion_error *err)
{
    g->io_failed = 1;
    if (!(g->out = ion_output_new()))
        return ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
    if (!(g->dir = ion_outdir_open(g->o->dir, err)) ||
        !(g->answers = ion_outdir_sub(g->dir, "answers", err)) ||
        (g->o->pdf && !(g->students = ion_outdir_sub(g->dir, "students", err))) ||
        !(g->key = ion_output_begin(g->out, g->dir, "key.xml", ION_OUT_PRIVATE, err)) ||
        !(g->links = ion_output_begin(g->out, g->dir, "links.csv", ION_OUT_PRIVATE, err)))
        return -1;
    if (fputs("student,name,email,url\r\n", g->links) == EOF)
        return stream_failed(g, &g->links, err);
    if (!(g->key_writer = ion_key_begin(g->key, g->w)))
        return key_failed(g, err);
    if (g->o->pdf &&
        (!(g->class_f = ion_output_begin(g->out, g->dir, "class.pdf", ION_OUT_PUBLIC, err)) ||
         !(g->solutions_f = ion_output_begin(g->out, g->dir, "solutions.pdf", ION_OUT_PRIVATE, err))))
        return -1;
    if (g->o->pdf && (!(g->fonts = ion_class_fonts(b, g->w, g->tmpl, err)) ||
                      !(g->class_pdf = ion_pdf_new_streamed(g->tmpl, g->class_f, err)) ||
                      !(g->solutions_pdf = ion_pdf_new_streamed(g->tmpl, g->solutions_f, err)) ||
                      setup_doc(g, g->class_pdf, err) || setup_doc(g, g->solutions_pdf, err)))
        return -1;
    g->io_failed = 0;
    return 0;
}

static void close_outputs(files *g)
{
    ion_key_end(g->key_writer);
    ion_pdf_free(g->class_pdf);
    ion_pdf_free(g->solutions_pdf);
    ion_fontset_free(g->fonts);
    ion_output_free(g->out); /* removes the temporaries left */
    ion_outdir_close(g->students);
    ion_outdir_close(g->answers);
    ion_outdir_close(g->dir);
}

int ion_generate_files(ion_bank *b, const ion_generate_opts *o, ion_error *err)
{
    ion_worksheet w;
    int found = ion_worksheet_load(b, o->worksheet, o->course, &w, err);
    if (found <= 0)
        return found == 0 || found == ION_BANK_EINVAL ? ION_GEN_ENOWORKSHEET : ION_GEN_EDB;
    files g = {0};
    g.o = o;
    g.w = &w;
    g.b = b;
    if (ion_bank_secret(b, g.secret, err)) {
        ion_worksheet_release(&w);
        return ION_GEN_EDB;
    }
    const ion_tmpl *tmpl = ion_text_catalogue(o->lang, err);
    int rc = ION_GEN_EIO;
    g.tmpl = tmpl;
    if (tmpl && !open_outputs(&g, b, err)) {
        /* The order of outfile.h: temporaries, the commit, the renames. */
        ion_generate_sink sink = {write_student, finish, &g};
        rc = ion_generate(b, &w, o->students, o->nstudents, &sink, err);
        if (rc == 0 && ion_output_commit(g.out, err))
            rc = ION_GEN_EIO;
    }
    if (g.io_failed && rc)
        rc = ION_GEN_EIO;
    close_outputs(&g);
    ion_worksheet_release(&w);
    return rc;
}
