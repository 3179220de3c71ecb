#include "judge_text.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

char *ion_judge_note_text(const char *lang, const ion_part_key *p, const ion_judgement *j, const char *answer)
{
    char list[256], text[300];
    switch (j->note) {
    case ION_JUDGE_NOTE_NOT_NUMBER:
        return strdup(ion_text_reason(lang, &j->why, text, sizeof text));
    case ION_JUDGE_NOTE_DIMENSION:
        return ion_text_format(lang, "grade.dimension", "unit", j->unit->name, "dim",
                               ion_text_gloss(lang, "dim", ion_dim_name(j->unit->dim)), "want_dim",
                               ion_text_gloss(lang, "dim", ion_dim_name(p->unit->dim)), "want", p->unit->name,
                               (const char *)NULL);
    case ION_JUDGE_NOTE_NOT_CHOICE:
    case ION_JUDGE_NOTE_AMBIGUOUS:
        ion_judge_list(p->ids, p->nids, ", ", list, sizeof list);
        return ion_text_format(lang, j->note == ION_JUDGE_NOTE_AMBIGUOUS ? "grade.many_choices" : "grade.not_choice",
                               "answer", answer, "list", list, (const char *)NULL);
    case ION_JUDGE_NOTE_MOVEMENT:
        /* the part's choices say which it asks: outward/inward are a
         * current's, out/in/none an ion's movement */
        ion_judge_list(p->ids, p->nids, ", ", list, sizeof list);
        return ion_text_format(lang, strstr(list, "outward") ? "grade.movement_for_current" : "grade.current_for_movement",
                               "answer", answer, "list", list, (const char *)NULL);
    case ION_JUDGE_NOTE_NOT_LETTER:
        text[0] = p->nids ? p->letters[p->nids - 1] : 'A';
        text[1] = '\0';
        return ion_text_format(lang, "grade.not_letter", "answer", answer, "last", text, (const char *)NULL);
    case ION_JUDGE_NOTE_SIGN:
        return ion_text_format(lang, "grade.sign", (const char *)NULL);
    case ION_JUDGE_NOTE_SCALE:
        return ion_text_format(lang, j->factor > 1 ? "grade.scale_large" : "grade.scale_small", (const char *)NULL);
    default:
        return NULL;
    }
}
