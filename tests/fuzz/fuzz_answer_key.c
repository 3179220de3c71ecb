/* The answer key reader: any bytes through ion_answer_key_parse without
 * the XSD (the CLI's path: the reader's own checks must hold alone), then
 * a key that was accepted is graded against: a few students submit
 * answers of every kind, one twice, and the gradebook CSV, feedback and
 * summary are rendered. Promises checked (grade.h): a refusal fills err;
 * every score lies within its points and every total within the max. */
#include "fuzz.h"
#include "grade.h"

#define MAX_PARTS 64

static const char *const answers[] = {
    "-95.02 mV", "outward", "B", "0.5", "-0,095 V", "1e308 kV", "inward",
    "25 mV", "none", "a", "37 \xc2\xb0\x43", "nan", "-1e-320", "out",
};
#define NANSWERS (sizeof answers / sizeof answers[0])

static void check_result(const ion_result *r)
{
    double sum = 0;
    FUZZ_CHECK(r->total >= 0 && r->total <= r->max + 1e-9);
    for (size_t j = 0; j < r->nparts; j++) {
        const ion_part_result *p = &r->parts[j];
        FUZZ_CHECK(p->score >= 0 && p->score <= p->points + 1e-9);
        FUZZ_CHECK(p->verdict <= ION_VERDICT_RIGHT && p->key);
        sum += p->score;
    }
    FUZZ_CHECK(sum <= r->total + 1e-6 * (1 + r->total) && r->total <= sum + 1e-6 * (1 + sum));
}

static void ignore_note(const ion_error *note, void *ctx)
{
    (void)ctx;
    fuzz_check_error(note);
}

/* Student i submits answer (i + j + round) % NANSWERS for every part j. */
static void submit(ion_gradebook *gb, const ion_answer_key *k, size_t i, size_t round)
{
    ion_answer a[MAX_PARTS];
    size_t n = ion_answer_key_parts(k);
    if (n > MAX_PARTS)
        n = MAX_PARTS;
    for (size_t j = 0; j < n; j++)
        a[j] = (ion_answer){ion_answer_key_part_id(k, j), answers[(i + j + round) % NANSWERS],
                            (int)j + 2};
    ion_submission s = {
        .format = ION_SUB_TEXT, .file = "fuzz.txt", .line = 1,
        .worksheet = ion_answer_key_worksheet(k), .worksheet_line = 1,
        .student = ion_answer_key_student_id(k, i), .student_line = 1,
        .n = n, .answers = a, .content = "x", .content_len = 1,
    };
    const ion_result *r = NULL;
    ion_error err = {0};
    if (ion_gradebook_grade(gb, &s, &r, ignore_note, NULL, &err) < 0) {
        fuzz_check_error(&err);
        return;
    }
    FUZZ_CHECK(r && r->student == i);
    check_result(r);
}

static void grade_some(const ion_answer_key *k)
{
    ion_gradebook *gb = ion_gradebook_new(k, "zh");
    FUZZ_CHECK(gb);
    size_t students = ion_answer_key_students(k);
    for (size_t i = 0; i < students && i < 4; i++) {
        FUZZ_CHECK(ion_answer_key_find(k, ion_answer_key_student_id(k, i)) >= 0);
        FUZZ_CHECK(ion_answer_key_student_max(k, i) >= 0);
        submit(gb, k, i, 0);
    }
    if (students)
        submit(gb, k, 0, 1);
    size_t len;
    free(ion_gradebook_csv(gb, &len));
    for (size_t i = 0; i < students && i < 4; i++)
        free(ion_gradebook_feedback(gb, i, &len));
    free(ion_gradebook_summary(gb));
    ion_grade_stats st;
    ion_gradebook_stats(gb, &st);
    FUZZ_CHECK(st.graded <= st.students);
    ion_gradebook_free(gb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ion_error err = {0};
    ion_answer_key *k = ion_answer_key_parse((const char *)data, size, "key.xml", NULL, &err);
    if (!k) {
        fuzz_check_error(&err);
        return 0;
    }
    FUZZ_CHECK(ion_answer_key_worksheet(k) && ion_answer_key_course(k) && ion_answer_key_title(k));
    grade_some(k);
    ion_answer_key_free(k);
    return 0;
}
