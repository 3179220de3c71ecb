/* The drill in the browser: /drill (anonymous: nothing recorded) and
 * /s/TOKEN/drill (the student's progress kept, as `ionsheet drill` keeps
 * it). The same picker (drill.h) chooses the problems, the same judge
 * (judge.h) decides each answer. The page carries its own state in hidden
 * fields (template, seed, wrong tries per part), so the server keeps none;
 * a student who edits them only changes their own practice. */
#include "serve_web.h"

#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "drill.h"
#include "judge.h"
#include "serve_html.h"

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
        ion_strbuf_puts(b, "<option");
        if (d->topic && !strcmp(d->topic, t.topic))
            ion_strbuf_puts(b, " selected");
        ion_strbuf_puts(b, ">");
        ion_html_text(b, t.topic);
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
        ion_html_text(b, t.topic);
        ion_strbuf_printf(b, "</td><td>%d</td><td>%d</td><td>%d</td></tr>", t.attempts, t.right_first, t.level);
    }
    ion_strbuf_puts(b, "</tbody></table>");
}

/* What the page knows of each part: wrong tries so far, right already. */
typedef struct {
    int tries[MAX_PARTS];
    int right[MAX_PARTS];
    const char *answer[MAX_PARTS];
    ion_verdict verdict[MAX_PARTS];
    int judged[MAX_PARTS];
} part_state;

static void problem_form(ion_strbuf *b, const ion_instance *in, const drill_page *d, const part_state *ps,
                         int done)
{
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
                         "<input type=\"hidden\" name=\"lang\" value=\"%s\">",
                      (unsigned long long)in->seed, d->lang);
    if (d->topic) {
        ion_strbuf_puts(b, "<input type=\"hidden\" name=\"topic\" value=\"");
        ion_html_text(b, d->topic);
        ion_strbuf_puts(b, "\">");
    }
    int any_wrong = 0, solution = 0;
    for (size_t i = 0; i < t->nparts && i < MAX_PARTS; i++) {
        const ion_part *p = &t->parts[i];
        ion_strbuf_printf(b, "<input type=\"hidden\" name=\"n%zu\" value=\"%d\">"
                             "<input type=\"hidden\" name=\"r%zu\" value=\"%d\"><div class=\"part\">",
                          i, ps->tries[i], i, ps->right[i]);
        const char *given = ps->answer[i];
        if (p->kind == ION_ANSWER_NUMERIC) {
            ion_strbuf_printf(b, "<label for=\"d%zu\">%s. ", i, p->id);
            subst_html(b, in, &p->text, d->lang);
            ion_strbuf_printf(b, "</label><div class=\"row\"><input type=\"text\" id=\"d%zu\" name=\"a%zu\""
                                 " autocomplete=\"off\" value=\"",
                              i, i);
            ion_html_text(b, given);
            ion_strbuf_puts(b, "\"> ");
            ion_html_text(b, ion_unit_label(p->unit));
            ion_strbuf_puts(b, "</div>");
        } else {
            ion_strbuf_printf(b, "<fieldset><legend>%s. ", p->id);
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
                    subst_html(b, in, &p->options[in->parts[i].order[k]].text, d->lang);
                }
                ion_strbuf_puts(b, "</label>");
            }
            ion_strbuf_puts(b, "</fieldset>");
        }
        if (ps->judged[i]) {
            int ok = ps->verdict[i] == ION_VERDICT_RIGHT;
            ion_strbuf_printf(b, "<p class=\"verdict %s\">%s</p>", ok ? "right" : "wrong",
                              ion_word_get(ok ? W_RIGHT : W_WRONG, d->lang));
        } else if (ps->right[i]) {
            ion_strbuf_printf(b, "<p class=\"verdict right\">%s</p>", ion_word_get(W_RIGHT, d->lang));
        }
        any_wrong |= ps->tries[i] >= 1 && !ps->right[i];
        solution |= ps->tries[i] >= 2 && !ps->right[i];
        ion_strbuf_puts(b, "</div>");
    }
    if (any_wrong && ion_i18n_get(&t->hint, d->lang)) {
        ion_strbuf_printf(b, "<h2>%s</h2><p class=\"note\">", ion_word_get(W_HINT, d->lang));
        subst_html(b, in, &t->hint, d->lang);
        ion_strbuf_puts(b, "</p>");
    }
    if ((solution || done) && ion_i18n_get(&t->solution, d->lang)) {
        ion_strbuf_printf(b, "<h2>%s</h2><div class=\"solution\">", ion_word_get(W_SOLUTION, d->lang));
        subst_html(b, in, &t->solution, d->lang);
        ion_strbuf_puts(b, "</div>");
    }
    if (!done)
        ion_strbuf_printf(b, "<button type=\"submit\">%s</button>", ion_word_get(W_CHECK, d->lang));
    ion_strbuf_puts(b, "</form>");
    ion_strbuf_printf(b, "<p><a href=\"%s?lang=%s%s", d->base, d->lang, d->topic ? "&amp;topic=" : "");
    if (d->topic)
        ion_html_text(b, d->topic);
    ion_strbuf_printf(b, "\">%s</a></p></section>", ion_word_get(W_NEXT, d->lang));
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
    d.lang = lang && !strcmp(lang, "zh") ? "zh" : lang && !strcmp(lang, "en") ? "en" : ion_web_page_lang(rq);
    const char *topic = post ? ion_web_form_get(&f, "topic") : query(rq, "topic");
    d.topic = topic && *topic && !ion_bank_text_problem(topic, 64) ? topic : NULL;

    /* The CSRF scope: the student, or the anonymous visitor's cookie. */
    char scope[200], visitor[ION_TOKEN_LEN + 1] = "";
    const char *cookie = MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, "ion_v");
    if (!user) {
        if (cookie && strlen(cookie) == ION_TOKEN_LEN && !ion_bank_id_problem(cookie)) {
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
    ion_template *t = NULL;
    ion_instance in = {0};
    int have_in = 0, ok = picker != NULL;
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
    if (ok && tid) {
        t = ion_catalog_load(b, tid, 0, &err);
        ok = t && ion_instance_init(&in, t) == 0;
        have_in = ok;
        ok = ok && ion_instance_generate(&in, seed, &err) == 0;
    }
    part_state ps;
    memset(&ps, 0, sizeof ps);
    int done = 0;
    if (ok && post && t) {
        int all_right = 1, first_time = 1;
        for (size_t i = 0; i < t->nparts && i < MAX_PARTS; i++) {
            char name[8];
            snprintf(name, sizeof name, "n%zu", i);
            const char *n = ion_web_form_get(&f, name);
            ps.tries[i] = n ? atoi(n) : 0;
            ps.tries[i] = ps.tries[i] < 0 ? 0 : ps.tries[i] > 99 ? 99 : ps.tries[i];
            snprintf(name, sizeof name, "r%zu", i);
            n = ion_web_form_get(&f, name);
            ps.right[i] = n && !strcmp(n, "1");
            snprintf(name, sizeof name, "a%zu", i);
            ps.answer[i] = ion_web_form_get(&f, name);
            if (!ps.right[i] && ps.answer[i] && *ps.answer[i]) {
                ion_judgement j;
                ion_judge_answer(&in, i, ps.answer[i], &j);
                ps.verdict[i] = j.verdict;
                ps.judged[i] = 1;
                if (j.verdict == ION_VERDICT_RIGHT)
                    ps.right[i] = 1;
                else
                    ps.tries[i]++;
            }
            all_right &= ps.right[i];
            first_time &= ps.tries[i] == 0;
        }
        int gave_up = 0;
        for (size_t i = 0; i < t->nparts && i < MAX_PARTS; i++)
            gave_up |= ps.tries[i] >= 2 && !ps.right[i];
        done = all_right || gave_up;
        /* Recorded once, when the problem ends (as the terminal drill does). */
        if (done && user && ion_bank_drill_record(b, user, t->id, seed, all_right && first_time, &err) < 0)
            ok = 0;
        if (done && picker)
            ion_drill_picker_result(picker, t->id, all_right && first_time);
    }
    ion_web_bank_put(s, b);
    if (ok) {
        ion_strbuf *out = &rep->body;
        ion_html_begin(out, d.lang, ion_word_get(W_DRILL, d.lang));
        ion_strbuf_printf(out, "<h1>%s</h1>", ion_word_get(W_DRILL, d.lang));
        topics(out, picker, &d);
        if (t)
            problem_form(out, &in, &d, &ps, done);
        ion_html_end(out);
        rep->status = 200;
    } else {
        ion_web_refuse(rep, rq, post && !t ? 403 : 500);
    }
    if (have_in)
        ion_instance_release(&in);
    if (t)
        ion_template_free(t);
    ion_drill_picker_free(picker);
    free(f.buf);
}
