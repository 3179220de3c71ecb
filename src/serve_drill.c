/* The drill in the browser: /drill (anonymous: nothing recorded) and
 * /s/TOKEN/drill (the student's progress kept, as `ionsheet drill` keeps
 * it). The drill's own picker and session rules (drill.h) run it: each
 * answer a page sends goes through ion_drill_problem_take, as a line typed
 * at the terminal does, and a problem that ends through
 * ion_drill_problem_end; what the session says is shown under its part.
 * The page carries the problem's state in hidden fields (template, seed,
 * per part the wrong tries and how it ended, whether the hint and the
 * solution were shown), so the server keeps none; a student who edits
 * them only changes their own practice. */
#include "serve_web.h"

#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "drill.h"
#include "serve_html.h"
#include "text.h"

#define MAX_PARTS 26

typedef struct {
    const char *lang;
    const char *base;   /* "/drill" or "/s/TOKEN/drill" */
    const char *user;   /* NULL: anonymous */
    const char *topic;  /* NULL: any */
    char csrf[ION_TOKEN_LEN + 1];
} drill_page;

static void subst_html(ion_strbuf *b, const ion_instance *in, const ion_i18n *t, const char *lang)
{
    ion_strbuf m = {0};
    const char *text = ion_i18n_get(t, lang);
    if (text && !ion_instance_subst(in, text, 1, &m))
        ion_html_markup(b, m.s);
    ion_strbuf_release(&m);
}

/* The choice of topic and the progress table. */
static void topics(ion_strbuf *b, ion_drill_picker *p, const drill_page *d)
{
    ion_drill_topic t;
    ion_strbuf_printf(b, "<form method=\"get\" action=\"%s\"><label for=\"topic\">%s</label>"
                         "<div class=\"row\"><select id=\"topic\" name=\"topic\"><option value=\"\">%s</option>",
                      d->base, ion_word_get(W_TOPIC, d->lang), ion_word_get(W_ANY_TOPIC, d->lang));
    for (size_t i = 0; ion_drill_picker_topic(p, i, &t); i++) {
        ion_strbuf_puts(b, "<option value=\"");
        ion_html_text(b, t.topic);
        ion_strbuf_puts(b, d->topic && !strcmp(d->topic, t.topic) ? "\" selected>" : "\">");
        ion_html_text(b, ion_text_gloss(d->lang, "topic", t.topic));
        ion_strbuf_puts(b, "</option>");
    }
    ion_strbuf_printf(b, "</select><input type=\"hidden\" name=\"lang\" value=\"%s\"><button type=\"submit\">%s"
                         "</button></div></form>",
                      d->lang, ion_word_get(W_START, d->lang));
    if (!d->user)
        return;
    ion_strbuf_printf(b, "<h2>%s</h2><table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>"
                         "<tbody>",
                      ion_word_get(W_PROGRESS, d->lang), ion_word_get(W_TOPIC, d->lang),
                      ion_word_get(W_ATTEMPTS, d->lang), ion_word_get(W_RIGHT_FIRST, d->lang),
                      ion_word_get(W_LEVEL, d->lang));
    for (size_t i = 0; ion_drill_picker_topic(p, i, &t); i++) {
        ion_strbuf_puts(b, "<tr><td>");
        ion_html_text(b, ion_text_gloss(d->lang, "topic", t.topic));
        ion_strbuf_printf(b, "</td><td>%d</td><td>%d</td><td>%d</td></tr>", t.attempts, t.right_first, t.level);
    }
    ion_strbuf_puts(b, "</tbody></table>");
}

/* What the session says, on the page: a paragraph each, its tone a class
 * (the page draws the problem and its parts itself, and the hint and the
 * solution once shown, from the template's markup). */
static void web_text(void *ctx, int indent, int hang, ion_drill_tone tone, const char *text)
{
    if (tone == ION_DRILL_HINT || tone == ION_DRILL_SOLUTION)
        return;
    static const char *const classes[] = {
        [ION_DRILL_PLAIN] = "",   [ION_DRILL_RIGHT] = "verdict right", [ION_DRILL_WRONG] = "verdict wrong",
        [ION_DRILL_NOTE] = "note", [ION_DRILL_STRONG] = "verdict",      [ION_DRILL_LEVEL] = "note",
    };
    (void)indent;
    (void)hang;
    ion_strbuf *b = ctx;
    ion_strbuf_printf(b, "<p class=\"%s\">", (unsigned)tone < sizeof classes / sizeof classes[0] ? classes[tone] : "");
    ion_html_text(b, text);
    ion_strbuf_puts(b, "</p>");
}

static void web_problem(void *ctx, const char *heading, const char *source, const char *title)
{
    (void)ctx, (void)heading, (void)source, (void)title;
}

static void web_gap(void *ctx)
{
    (void)ctx;
}

static void web_prompt(void *ctx, const char *part, const char *takes)
{
    (void)ctx, (void)part, (void)takes;
}

static void web_read(void *ctx, const char *line)
{
    (void)ctx, (void)line;
}

static const ion_drill_view web_view = {web_text, web_problem, web_gap, web_prompt, web_read};

/* What the page knows of the problem: per part the wrong tries, how it
 * ended (ION_DRILL_PART_OPEN, _RIGHT, _MISSED or _REVEALED), the answer
 * sent and what the session said to it; what was said when the problem
 * ended. */
typedef struct {
    int tries[MAX_PARTS];
    int end[MAX_PARTS];
    const char *answer[MAX_PARTS];
    ion_strbuf said[MAX_PARTS];
    ion_strbuf ended;
} part_state;

static int part_ended(int end)
{
    return end == ION_DRILL_PART_RIGHT || end == ION_DRILL_PART_MISSED || end == ION_DRILL_PART_REVEALED;
}

/* A hidden field name with value n. */
static void hidden_int(ion_strbuf *b, const char *name, size_t i, int n)
{
    ion_strbuf_printf(b, "<input type=\"hidden\" name=\"%s%zu\" value=\"%d\">", name, i, n);
}

/* How part i stands: what the session said to this page's answer, or how
 * it ended on an earlier page. */
static void part_status(ion_strbuf *b, const ion_instance *in, size_t i, const drill_page *d, const part_state *ps)
{
    if (ps->said[i].len) {
        ion_strbuf_add(b, ps->said[i].s, ps->said[i].len);
    } else if (ps->end[i] == ION_DRILL_PART_RIGHT) {
        ion_strbuf_printf(b, "<p class=\"verdict right\">%s</p>", ion_word_get(W_RIGHT, d->lang));
    } else if (part_ended(ps->end[i])) {
        char key[512];
        ion_drill_key_text(in, i, d->lang, key, sizeof key);
        char *text = ion_text_format(d->lang, "drill.answer_is", "key", key, (const char *)NULL);
        ion_strbuf_puts(b, "<p class=\"verdict\">");
        ion_html_text(b, text ? text : key);
        ion_strbuf_puts(b, "</p>");
        free(text);
    }
}

static void problem_form(ion_strbuf *b, const ion_drill_problem *pb, const drill_page *d, const part_state *ps,
                         int done)
{
    const ion_instance *in = &pb->in;
    const ion_template *t = in->t;
    ion_strbuf_puts(b, "<section class=\"problem\"><h2>");
    subst_html(b, in, &t->title, d->lang);
    ion_strbuf_printf(b, "</h2><p class=\"meta\">%s ", ion_word_get(W_TEMPLATE, d->lang));
    ion_html_text(b, t->id);
    ion_strbuf_printf(b, " · %s %llu</p><p>", ion_word_get(W_SEED, d->lang), (unsigned long long)in->seed);
    subst_html(b, in, &t->text, d->lang);
    ion_strbuf_printf(b, "</p><form method=\"post\" action=\"%s\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                         "<input type=\"hidden\" name=\"t\" value=\"",
                      d->base, d->csrf);
    ion_html_text(b, t->id);
    ion_strbuf_printf(b, "\"><input type=\"hidden\" name=\"seed\" value=\"%llu\">"
                         "<input type=\"hidden\" name=\"lang\" value=\"%s\">"
                         "<input type=\"hidden\" name=\"h\" value=\"%d\"><input type=\"hidden\" name=\"w\" value=\"%d\">",
                      (unsigned long long)in->seed, d->lang, pb->hint_shown, pb->solution_shown);
    if (d->topic) {
        ion_strbuf_puts(b, "<input type=\"hidden\" name=\"topic\" value=\"");
        ion_html_text(b, d->topic);
        ion_strbuf_puts(b, "\">");
    }
    for (size_t i = 0; i < t->nparts && i < MAX_PARTS; i++) {
        const ion_part *p = &t->parts[i];
        int closed = part_ended(ps->end[i]);
        hidden_int(b, "n", i, ps->tries[i]);
        hidden_int(b, "r", i, ps->end[i]);
        ion_strbuf_puts(b, "<div class=\"part\">");
        const char *given = ps->answer[i];
        if (p->kind == ION_ANSWER_NUMERIC) {
            ion_strbuf_printf(b, "<label for=\"d%zu\">%s. ", i, p->id);
            subst_html(b, in, &p->text, d->lang);
            ion_strbuf_printf(b, "</label><div class=\"row\"><input type=\"text\" id=\"d%zu\" name=\"a%zu\""
                                 " autocomplete=\"off\"%s value=\"",
                              i, i, closed ? " readonly" : "");
            ion_html_text(b, given);
            ion_strbuf_puts(b, "\"> ");
            ion_html_text(b, ion_unit_label(p->unit));
            ion_strbuf_puts(b, "</div>");
        } else {
            ion_strbuf_printf(b, "<fieldset%s><legend>%s. ", closed ? " disabled" : "", p->id);
            subst_html(b, in, &p->text, d->lang);
            ion_strbuf_puts(b, "</legend>");
            size_t n = p->kind == ION_ANSWER_CHOICE ? p->nchoices : p->noptions;
            for (size_t k = 0; k < n && k < ION_MAX_OPTIONS; k++) {
                char letter[2] = {(char)('A' + k), '\0'};
                const char *value = p->kind == ION_ANSWER_CHOICE ? p->choices[k] : letter;
                ion_strbuf_printf(b, "<label class=\"choice\"><input type=\"radio\" name=\"a%zu\" value=\"", i);
                ion_html_text(b, value);
                ion_strbuf_printf(b, "\"%s> ", given && !strcmp(given, value) ? " checked" : "");
                if (p->kind == ION_ANSWER_CHOICE) {
                    ion_html_text(b, value);
                } else {
                    ion_strbuf_printf(b, "%s. ", letter);
                    subst_html(b, in, &ion_instance_option(in, i, k)->text, d->lang);
                }
                ion_strbuf_puts(b, "</label>");
            }
            ion_strbuf_puts(b, "</fieldset>");
        }
        part_status(b, in, i, d, ps);
        ion_strbuf_puts(b, "</div>");
    }
    if (pb->hint_shown && ion_i18n_get(&t->hint, d->lang)) {
        ion_strbuf_printf(b, "<h2>%s</h2><p class=\"note\">", ion_word_get(W_HINT, d->lang));
        subst_html(b, in, &t->hint, d->lang);
        ion_strbuf_puts(b, "</p>");
    }
    if (pb->solution_shown && ion_i18n_get(&t->solution, d->lang)) {
        ion_strbuf_printf(b, "<h2>%s</h2><div class=\"solution\">", ion_word_get(W_SOLUTION, d->lang));
        subst_html(b, in, &t->solution, d->lang);
        ion_strbuf_puts(b, "</div>");
    }
    if (ps->ended.len)
        ion_strbuf_add(b, ps->ended.s, ps->ended.len);
    if (!done)
        ion_strbuf_printf(b, "<button type=\"submit\">%s</button>", ion_word_get(W_CHECK, d->lang));
    ion_strbuf_puts(b, "</form>");
    ion_strbuf_printf(b, "<p><a href=\"%s?lang=%s%s", d->base, d->lang, d->topic ? "&amp;topic=" : "");
    if (d->topic)
        ion_html_text(b, d->topic);
    ion_strbuf_printf(b, "\">%s</a></p></section>", ion_word_get(W_NEXT, d->lang));
}

/* The form field name+i as a whole number in lo..hi (lo when absent). */
static int form_int(const ion_web_form *f, const char *name, size_t i, int lo, int hi)
{
    char key[16];
    snprintf(key, sizeof key, "%s%zu", name, i);
    const char *v = ion_web_form_get(f, key);
    int n = v ? atoi(v) : lo;
    return n < lo ? lo : n > hi ? hi : n;
}

/* Takes the answers a page sent, by the session's rules; 1 when the
 * problem ended with them. */
static int take_answers(ion_drill_problem *pb, const ion_web_form *f, const char *lang, part_state *ps)
{
    const char *h = ion_web_form_get(f, "h"), *w = ion_web_form_get(f, "w");
    pb->hint_shown = h && !strcmp(h, "1");
    pb->solution_shown = w && !strcmp(w, "1");
    int done = 1;
    for (size_t i = 0; i < pb->t->nparts && i < MAX_PARTS; i++) {
        ps->tries[i] = form_int(f, "n", i, 0, 99);
        ps->end[i] = form_int(f, "r", i, 0, ION_DRILL_PART_REVEALED);
        pb->tried_wrong |= ps->tries[i] > 0;
        char name[16];
        snprintf(name, sizeof name, "a%zu", i);
        ps->answer[i] = ion_web_form_get(f, name);
        if (!part_ended(ps->end[i]) && ps->answer[i]) {
            ion_drill_out out = {&web_view, &ps->said[i], lang};
            int end = ion_drill_problem_take(pb, i, &ps->tries[i], ps->answer[i], &out);
            if (part_ended(end))
                ps->end[i] = end;
        }
        done &= part_ended(ps->end[i]);
    }
    pb->missed |= pb->tried_wrong || pb->hint_shown || pb->solution_shown;
    return done;
}

static const char *query(const ion_web_request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

void ion_web_drill(ion_server *s, const char *user, const char *base, const ion_web_request *rq,
                   ion_web_reply *rep, int post)
{
    drill_page d = {NULL, base, user, NULL, ""};
    const char *lang = query(rq, "lang");
    ion_web_form f = {0};
    if (post && ion_web_form_parse(&f, rq->body, rq->body_len)) {
        ion_web_refuse(rep, rq, 500);
        return;
    }
    if (post)
        lang = ion_web_form_get(&f, "lang");
    d.lang = lang ? ion_text_language(lang, strlen(lang)) : NULL;
    if (!d.lang)
        d.lang = ion_web_page_lang(rq);
    const char *topic = post ? ion_web_form_get(&f, "topic") : query(rq, "topic");
    d.topic = topic && *topic && !ion_bank_text_problem(topic, 64) ? topic : NULL;

    /* The CSRF scope: the student, or the anonymous visitor's cookie. */
    char scope[200], visitor[ION_TOKEN_LEN + 1] = "";
    const char *cookie = MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, "ion_v");
    unsigned char bytes[ION_TOKEN_BYTES];
    if (!user) {
        /* A token's form: one in 64 begins with '-', which an id may not. */
        if (cookie && !ion_token_decode(cookie, strlen(cookie), bytes)) {
            snprintf(visitor, sizeof visitor, "%s", cookie);
        } else if (!post) {
            unsigned char r[ION_TOKEN_BYTES];
            randombytes_buf(r, sizeof r);
            sodium_bin2base64(visitor, sizeof visitor, r, sizeof r, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
            snprintf(rep->cookie, sizeof rep->cookie, "ion_v=%s; HttpOnly; SameSite=Strict; Path=/%s", visitor,
                     ion_web_tls(s) ? "; Secure" : "");
        }
    }
    snprintf(scope, sizeof scope, "d:%s", user ? user : visitor);
    ion_web_csrf(s, scope, d.csrf);
    if (post && (!visitor[0] && !user)) {
        free(f.buf);
        ion_web_refuse(rep, rq, 403);
        return;
    }
    if (post && !ion_web_csrf_ok(s, scope, ion_web_form_get(&f, "csrf"))) {
        free(f.buf);
        ion_web_refuse(rep, rq, 403);
        return;
    }

    ion_error err = {0};
    ion_bank *b = ion_web_bank_get(s);
    uint64_t pick_seed;
    randombytes_buf(&pick_seed, sizeof pick_seed);
    ion_drill_picker *picker = ion_drill_picker_new(b, user ? user : "(anonymous)", d.topic, 0, pick_seed, &err);
    ion_drill_problem pb;
    memset(&pb, 0, sizeof pb);
    int ok = picker != NULL;
    uint64_t seed = 0;
    const char *tid = NULL;
    if (ok && post) {
        tid = ion_web_form_get(&f, "t");
        const char *seed_text = ion_web_form_get(&f, "seed");
        char *end = NULL;
        seed = seed_text ? strtoull(seed_text, &end, 10) : 0;
        if (!tid || !seed_text || !end || *end || ion_bank_id_problem(tid)) {
            ion_web_bank_put(s, b);
            ion_drill_picker_free(picker);
            free(f.buf);
            ion_web_refuse(rep, rq, 403);
            return;
        }
    } else if (ok && (query(rq, "topic") || query(rq, "start"))) {
        tid = ion_drill_pick(picker, &seed);
    }
    if (ok && tid)
        ok = ion_drill_problem_open(&pb, b, tid, seed, &err) == 0;
    part_state ps;
    memset(&ps, 0, sizeof ps);
    int done = 0;
    if (ok && post) {
        done = take_answers(&pb, &f, d.lang, &ps);
        /* Recorded once, when the problem ends (as the terminal drill does). */
        ion_drill_out out = {&web_view, &ps.ended, d.lang};
        if (done && ion_drill_problem_end(&pb, 1, b, picker, user, 0, seed, &out, &err) < 0)
            ok = 0;
    }
    ion_web_bank_put(s, b);
    if (ok) {
        ion_strbuf *out = &rep->body;
        ion_html_begin(out, d.lang, ion_word_get(W_DRILL, d.lang));
        ion_strbuf_printf(out, "<h1>%s</h1>", ion_word_get(W_DRILL, d.lang));
        topics(out, picker, &d);
        if (pb.t)
            problem_form(out, &pb, &d, &ps, done);
        ion_html_end(out);
        rep->status = 200;
    } else {
        ion_web_refuse(rep, rq, post && !pb.t ? 403 : 500);
    }
    for (size_t i = 0; i < MAX_PARTS; i++)
        ion_strbuf_release(&ps.said[i]);
    ion_strbuf_release(&ps.ended);
    ion_drill_problem_close(&pb);
    ion_drill_picker_free(picker);
    free(f.buf);
}
