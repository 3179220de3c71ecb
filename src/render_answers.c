/* The blank answer file a student fills in (SPEC.md "Submissions"): its
 * comments in the student's language, its field names and part ids as the
 * grader reads them. */
#include "render.h"

#include <string.h>

#include "judge.h"
#include "printed.h"
#include "text.h"

int ion_answers_render(FILE *f, const ion_student_sheet *s, const char *lang)
{
    const ion_bank_worksheet *ws = &s->w->ws;
    fprintf(f, "# %s, %s\n", ws->name, s->name);
    fprintf(f, "# %s\n# %s\n", ion_text_get(lang, "answers.intro_1"), ion_text_get(lang, "answers.intro_2"));
    fprintf(f, "worksheet: %s\nstudent: %s\n", ws->name, s->id);
    for (size_t i = 0; i < s->n; i++) {
        const ion_instance *in = &s->inst[i];
        for (size_t k = 0; k < in->t->nparts; k++) {
            const ion_part_key *pk = &in->keys[k];
            char id[32], list[512] = "", last[2] = {(char)('A' + pk->nids - 1), '\0'}, line[1024];
            ion_printed_part_id(i, &in->t->parts[k], id, sizeof id);
            if (pk->kind == ION_ANSWER_NUMERIC) {
                const char *label = ion_unit_label(pk->unit);
                ion_text_fill(line, sizeof line, lang, *label ? "answers.number_in" : "answers.number", "part", id,
                              "unit", label, (const char *)NULL);
            } else if (pk->kind == ION_ANSWER_CHOICE) {
                ion_judge_list(pk->ids, pk->nids, ", ", list, sizeof list);
                ion_text_fill(line, sizeof line, lang, "answers.choice", "part", id, "list", list, (const char *)NULL);
            } else {
                ion_text_fill(line, sizeof line, lang, "answers.letter", "part", id, "last", last, (const char *)NULL);
            }
            fprintf(f, "\n# %s\n%s: \n", line, id);
        }
    }
    return ferror(f) ? -1 : 0;
}
