/* Problem import: any bytes through ion_templates_parse with the problem
 * XSD (as `ionsheet bank import` does), then what happens next to a
 * template that was accepted: an instance generated for two seeds, every
 * value and text of it formatted, and a short well-posedness check.
 * Promises checked (template.h): a refusal fills err and adds nothing;
 * an accepted template has its English title and part texts. */
#include "check.h"
#include "fuzz.h"
#include "instance.h"
#include "strbuf.h"
#include "template.h"

#define XSD FUZZ_ROOT "/schema/problem.xsd"

static void check_subst(const ion_instance *in, const ion_i18n *t, ion_strbuf *b)
{
    for (size_t i = 0; i < t->n; i++)
        for (int mode = 0; mode < 3; mode++) {
            const char *text = t->v[i].text;
            ion_strbuf_reset(b);
            /* 0, 1: markup filled in, plain and typographic; 2: plain text */
            int rc = mode < 2 ? ion_instance_subst(in, text, mode, b)
                              : ion_instance_plain(in, text, b);
            FUZZ_CHECK(rc == 0 && !b->oom);
            FUZZ_CHECK(!b->s || b->s[b->len] == '\0');
        }
}

static void ignore_failure(const ion_check_failure *f, void *ctx)
{
    (void)ctx;
    FUZZ_CHECK(f->what && f->values);
}

static void exercise(const ion_template *t)
{
    /* English is required of the title, parts and options; the problem's
     * own text, hints and solutions are optional. */
    FUZZ_CHECK(t->id && ion_i18n_only(&t->title, "en") && t->nparts > 0);
    for (size_t k = 0; k < t->nparts; k++) {
        FUZZ_CHECK(ion_i18n_only(&t->parts[k].text, "en"));
        for (size_t o = 0; o < t->parts[k].noptions; o++)
            FUZZ_CHECK(ion_i18n_only(&t->parts[k].options[o].text, "en"));
    }
    ion_instance in;
    FUZZ_CHECK(ion_instance_init(&in, t) == 0);
    ion_strbuf b = {0};
    char val[128];
    for (uint64_t seed = 1; seed <= 2; seed++) {
        ion_error err = {0};
        if (ion_instance_generate(&in, seed, &err) < 0) {
            fuzz_check_error(&err);
            continue;
        }
        for (size_t i = 0; i < t->nvars; i++) {
            ion_instance_value(&in, (int)i, val, sizeof val);
            ion_instance_quantity(&in, (int)i, val, sizeof val);
        }
        check_subst(&in, &t->title, &b);
        check_subst(&in, &t->text, &b);
        check_subst(&in, &t->hint, &b);
        check_subst(&in, &t->solution, &b);
        for (size_t k = 0; k < t->nparts; k++) {
            const ion_part *p = &t->parts[k];
            check_subst(&in, &p->text, &b);
            if (p->kind == ION_ANSWER_NUMERIC) {
                ion_part_value(p, in.drawn[k].answer.num, val, sizeof val);
                for (size_t m = 0; m < p->nmistakes; m++)
                    if (in.drawn[k].mistake_ok[m])
                        ion_part_value(p, in.drawn[k].mistakes[m].num, val, sizeof val);
            } else if (p->kind == ION_ANSWER_MCQ) {
                FUZZ_CHECK(in.keys[k].answer[0] >= 'A' &&
                           in.keys[k].answer[0] < 'A' + (int)p->noptions);
            }
        }
    }
    ion_strbuf_release(&b);
    ion_instance_release(&in);
    ion_check_template(t, 3, ignore_failure, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ion_template_list list = {0};
    ion_error err = {0};
    if (ion_templates_parse((const char *)data, size, "fuzz.xml", XSD, &list, &err) < 0) {
        fuzz_check_error(&err);
        FUZZ_CHECK(list.n == 0);
        ion_template_list_release(&list);
        return 0;
    }
    for (size_t i = 0; i < list.n; i++)
        exercise(list.items[i]);
    ion_template_list_release(&list);
    return 0;
}
