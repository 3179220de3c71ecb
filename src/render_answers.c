/* The blank answer file a student fills in (SPEC.md "Submissions"). */
#include "render.h"

#include <string.h>

int ion_answers_render(FILE *f, const ion_student_sheet *s)
{
    const ion_bank_worksheet *ws = &s->w->ws;
    fprintf(f, "# %s, %s\n", ws->name, s->name);
    fprintf(f, "# Write each answer after its colon. A number may carry a unit (mV, V, mM, uM, ...);\n"
               "# without one, the unit in the comment above it is assumed.\n");
    fprintf(f, "worksheet: %s\nstudent: %s\n", ws->name, s->id);
    for (size_t i = 0; i < ws->n; i++) {
        const ion_instance *in = &s->inst[i];
        for (size_t k = 0; k < in->t->nparts; k++) {
            const ion_part *p = &in->t->parts[k];
            if (p->kind == ION_ANSWER_NUMERIC) {
                const char *label = ion_unit_label(p->unit);
                fprintf(f, "\n# %zu%s: a number%s%s\n", i + 1, p->id, *label ? " in " : "", label);
            } else if (p->kind == ION_ANSWER_CHOICE) {
                fprintf(f, "\n# %zu%s: one of", i + 1, p->id);
                for (size_t c = 0; c < p->nchoices; c++)
                    fprintf(f, "%s %s", c ? "," : "", p->choices[c]);
                fputc('\n', f);
            } else {
                fprintf(f, "\n# %zu%s: one letter, A to %c\n", i + 1, p->id, (int)('A' + p->noptions - 1));
            }
            fprintf(f, "%zu%s: \n", i + 1, p->id);
        }
    }
    return ferror(f) ? -1 : 0;
}
