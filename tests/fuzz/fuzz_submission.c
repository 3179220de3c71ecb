/* Submissions in all three formats (text, XML, class CSV; ion_sub_parse
 * tells them apart by their content, so one target covers the three and
 * the fuzzer moves between them): any bytes through one reused parser with
 * the submission XSD (as `ionsheet grade` does), and every submission it
 * gives graded against tests/data/grade/key.xml, with the outputs rendered.
 * Promises checked (submission.h, grade.h): a refusal fills err; answers
 * are never blank; notes are capped; scores lie within their points. */
#include "fuzz.h"
#include "grade.h"
#include "submission.h"

#define KEY FUZZ_ROOT "/tests/data/grade/key.xml"
#define XSD FUZZ_ROOT "/schema/submission.xsd"

static ion_answer_key *key;
static ion_sub_parser *parser;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ion_error err = {0};
    key = fuzz_need(ion_answer_key_load(KEY, NULL, &err), &err, KEY);
    parser = fuzz_need(ion_sub_parser_new(XSD), NULL, "ion_sub_parser_new");
    return 0;
}

static void ignore_note(const ion_error *note, void *ctx)
{
    (void)ctx;
    fuzz_check_error(note);
}

static int grade_one(const ion_submission *s, void *ctx)
{
    ion_gradebook *gb = ctx;
    FUZZ_CHECK(s->format == ION_SUB_TEXT || s->format == ION_SUB_XML || s->format == ION_SUB_CSV);
    FUZZ_CHECK(s->n == 0 || s->answers);
    for (size_t i = 0; i < s->n; i++)
        FUZZ_CHECK(s->answers[i].part && s->answers[i].text && s->answers[i].text[0]);
    FUZZ_CHECK(s->nnotes <= ION_SUBMISSION_MAX_NOTES);
    for (size_t i = 0; i < s->nnotes; i++)
        fuzz_check_error(&s->notes[i]);
    FUZZ_CHECK(s->content && s->content_len > 0);

    const ion_result *r = NULL;
    ion_error err = {0};
    if (ion_gradebook_grade(gb, s, &r, ignore_note, NULL, &err) < 0) {
        fuzz_check_error(&err);
        return 0;
    }
    FUZZ_CHECK(r->total >= 0 && r->total <= r->max + 1e-9);
    for (size_t j = 0; j < r->nparts; j++)
        FUZZ_CHECK(r->parts[j].score >= 0 && r->parts[j].score <= r->parts[j].points + 1e-9);
    size_t len;
    free(ion_gradebook_feedback(gb, r->student, &len));
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ion_gradebook *gb = ion_gradebook_new(key, "en");
    FUZZ_CHECK(gb);
    ion_error err = {0};
    int rc = ion_sub_parse(parser, (const char *)data, size, "fuzz.sub", grade_one, gb, &err);
    if (rc < 0)
        fuzz_check_error(&err);
    else
        FUZZ_CHECK(rc == 0);
    size_t len;
    free(ion_gradebook_csv(gb, &len));
    free(ion_gradebook_summary(gb));
    ion_gradebook_free(gb);
    return 0;
}
