/* A text in every language its source gives (template.h). */
#include "template.h"

#include <stdlib.h>
#include <string.h>

const char *ion_i18n_only(const ion_i18n *t, const char *lang)
{
    for (size_t i = 0; lang && i < t->n; i++)
        if (!strcmp(t->v[i].lang, lang))
            return t->v[i].text;
    return NULL;
}

const char *ion_i18n_pick(const ion_i18n *t, const char *lang)
{
    const char *text = ion_i18n_only(t, lang);
    return text ? text : ion_i18n_only(t, "en");
}

const char *ion_i18n_get(const ion_i18n *t, const char *lang)
{
    const char *text = ion_i18n_pick(t, lang);
    return text ? text : "";
}

/* Whether language a comes before b: English first, then by name. */
static int before(const char *a, const char *b)
{
    int a_en = !strcmp(a, "en"), b_en = !strcmp(b, "en");
    return a_en != b_en ? a_en : strcmp(a, b) < 0;
}

int ion_i18n_is_lang(const char *lang, size_t len)
{
    int named = len > 0 && len < sizeof ((ion_i18n_text *)0)->lang;
    for (size_t i = 0; named && i < len; i++)
        named = lang[i] && strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", lang[i]);
    return named;
}

ion_i18n_text *ion_i18n_set(ion_i18n *t, const char *lang, size_t lang_len, char *text)
{
    ion_i18n_text e = {0};
    if (!ion_i18n_is_lang(lang, lang_len) || !text) {
        free(text);
        return NULL;
    }
    memcpy(e.lang, lang, lang_len);
    e.text = text;
    size_t at = 0;
    while (at < t->n && before(t->v[at].lang, e.lang))
        at++;
    if (at < t->n && !strcmp(t->v[at].lang, e.lang)) {
        free(t->v[at].text);
        free(t->v[at].brace_line);
    } else {
        ion_i18n_text *grown = realloc(t->v, (t->n + 1) * sizeof *grown);
        if (!grown) {
            free(text);
            return NULL;
        }
        t->v = grown;
        memmove(t->v + at + 1, t->v + at, (t->n - at) * sizeof *t->v);
        t->n++;
    }
    t->v[at] = e;
    return &t->v[at];
}

void ion_i18n_release(ion_i18n *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].text);
        free(t->v[i].brace_line);
    }
    free(t->v);
    t->v = NULL;
    t->n = 0;
}
