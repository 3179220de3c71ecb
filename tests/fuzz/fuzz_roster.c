/* The roster CSV: any bytes through the CSV reader (checking each record's
 * promises, csv.h), then through ion_roster_import into an in-memory bank
 * inside a transaction that is rolled back, so every input starts from the
 * same empty bank. Promises checked (roster.h): a refusal of the whole file
 * fills err; the counts add up to the rows read (added, refused,
 * skipped as not students). */
#include "bank.h"
#include "csv.h"
#include "fuzz.h"
#include "roster.h"

#define BANK_INPUTS 1000

static ion_bank *bank;
static unsigned long inputs;

/* Reads every record; returns how many there were after the header, or -1. */
static long read_records(const uint8_t *data, size_t size)
{
    ion_csv *csv = ion_csv_new((const char *)data, size, "r.csv");
    FUZZ_CHECK(csv);
    ion_csv_record rec;
    ion_error err = {0};
    long n = 0;
    int rc, last_line = 0;
    while ((rc = ion_csv_next(csv, &rec, &err)) == 1) {
        FUZZ_CHECK(rec.n >= 1 && rec.n <= ION_CSV_MAX_FIELDS);
        FUZZ_CHECK(rec.line > last_line);
        last_line = rec.line;
        for (size_t i = 0; i < rec.n; i++) {
            FUZZ_CHECK(rec.len[i] <= ION_CSV_MAX_FIELD);
            FUZZ_CHECK(rec.field[i][rec.len[i]] == '\0');
        }
        n++;
    }
    if (rc < 0) {
        fuzz_check_error(&err);
        FUZZ_CHECK(ion_csv_next(csv, &rec, &err) == -1); /* stays failed */
    }
    ion_csv_free(csv);
    return rc < 0 ? -1 : n - (n > 0);
}

static void count_report(const ion_error *problem, void *ctx)
{
    fuzz_check_error(problem);
    ++*(size_t *)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    long rows = read_records(data, size);

    ion_csv *csv = ion_csv_new((const char *)data, size, "r.csv");
    FUZZ_CHECK(csv);
    ion_error err = {0};
    ion_roster_stats st = {0};
    size_t reports = 0;
    if (inputs++ % BANK_INPUTS == 0) {
        ion_bank_close(bank);
        bank = fuzz_need(ion_bank_open(":memory:", 1, &err), &err, "in-memory bank");
    }
    char course[32];
    snprintf(course, sizeof course, "FUZZ%lu", inputs);
    int rc = ion_roster_import(bank, course, csv, NULL, count_report, &reports, &st, &err);
    if (rc == 0) {
        FUZZ_CHECK(st.refused == reports);
        FUZZ_CHECK(st.updated == 0 && st.unchanged == 0); /* a new course */
        /* A record the CSV reader stops at (a NUL, an oversized field) is
         * one refused row to the roster, which reads on: the counts add up
         * only when the reader read the whole file. */
        if (rows >= 0)
            FUZZ_CHECK(st.added + st.refused + st.skipped == (size_t)rows);
    } else {
        FUZZ_CHECK(rc == ION_BANK_EINVAL); /* an in-memory bank does not fail */
        fuzz_check_error(&err);
    }
    ion_csv_free(csv);
    return 0;
}
