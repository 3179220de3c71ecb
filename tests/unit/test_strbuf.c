/* The growable string (strbuf.h) and its whole-file reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "strbuf.h"

static void test_add_puts_printf(void **state)
{
    (void)state;
    ion_strbuf b = {0};
    assert_null(b.s);
    ion_strbuf_add(&b, "", 0); /* adding nothing still gives a string */
    assert_string_equal(b.s, "");
    ion_strbuf_puts(&b, "E = ");
    ion_strbuf_printf(&b, "%.2f %s", -94.07, "mV");
    ion_strbuf_addch(&b, '!');
    assert_string_equal(b.s, "E = -94.07 mV!");
    assert_int_equal(b.len, strlen(b.s));

    /* printf longer than its stack buffer is not cut. */
    char long_text[1500];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    ion_strbuf_reset(&b);
    assert_string_equal(b.s, "");
    ion_strbuf_printf(&b, "<%s>", long_text);
    assert_int_equal(b.len, sizeof long_text + 1);
    assert_int_equal(b.s[0], '<');
    assert_int_equal(b.s[b.len - 1], '>');
    assert_int_equal(b.s[b.len], '\0');

    /* NULs inside are kept: a pool of strings. */
    ion_strbuf_reset(&b);
    ion_strbuf_add(&b, "ab", 3);
    ion_strbuf_add(&b, "c", 2);
    assert_int_equal(b.len, 5);
    assert_string_equal(b.s + 3, "c");
    ion_strbuf_release(&b);
    assert_null(b.s);
    assert_int_equal(b.len, 0);
}

static void test_grow_and_detach(void **state)
{
    (void)state;
    ion_strbuf b = {0};
    assert_int_equal(ion_strbuf_grow(&b, 10000), 0);
    assert_true(b.cap > b.len + 10000);
    memcpy(b.s + b.len, "direct", 6);
    b.len += 6;
    ion_strbuf_puts(&b, " write");
    size_t len = 0;
    char *s = ion_strbuf_detach(&b, &len);
    assert_string_equal(s, "direct write");
    assert_int_equal(len, 12);
    assert_null(b.s);
    free(s);

    /* Detaching an empty buffer gives "", which the caller frees. */
    s = ion_strbuf_detach(&b, NULL);
    assert_string_equal(s, "");
    free(s);

    /* Out of memory is sticky: nothing more is added, detach says NULL. */
    ion_strbuf_puts(&b, "kept");
    assert_int_equal(ion_strbuf_grow(&b, (size_t)-1 / 2), -1);
    assert_true(b.oom);
    ion_strbuf_puts(&b, " lost");
    assert_string_equal(b.s, "kept");
    assert_null(ion_strbuf_detach(&b, NULL));
    assert_null(b.s);
}

static void test_read_file(void **state)
{
    (void)state;
    char path[] = "/tmp/ion_strbuf_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "id,name\ns001,Ada\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (long)(sizeof text - 1));
    close(fd);

    /* Appended after what the buffer holds, NUL-terminated. */
    ion_strbuf b = {0};
    ion_strbuf_puts(&b, ">");
    assert_int_equal(ion_strbuf_read_file(&b, path, 1000), ION_READ_OK);
    assert_string_equal(b.s, ">id,name\ns001,Ada\n");

    /* Exactly at the limit is fine; one byte less is too large, and the
     * buffer keeps what it had. */
    ion_strbuf_reset(&b);
    assert_int_equal(ion_strbuf_read_file(&b, path, sizeof text - 1), ION_READ_OK);
    assert_int_equal(b.len, sizeof text - 1);
    ion_strbuf_reset(&b);
    ion_strbuf_puts(&b, "before");
    assert_int_equal(ion_strbuf_read_file(&b, path, sizeof text - 2), ION_READ_TOO_LARGE);
    assert_string_equal(b.s, "before");

    /* A file that does not say its size (a pipe) is read to its end. */
    ion_strbuf_reset(&b);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    char big[200000];
    memset(big, 'p', sizeof big);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        size_t done = 0;
        while (done < sizeof big) {
            ssize_t n = write(fds[1], big + done, sizeof big - done);
            if (n <= 0)
                _exit(1);
            done += (size_t)n;
        }
        _exit(0);
    }
    close(fds[1]);
    char dev[64];
    snprintf(dev, sizeof dev, "/dev/fd/%d", fds[0]);
    assert_int_equal(ion_strbuf_read_file(&b, dev, 1 << 20), ION_READ_OK);
    assert_int_equal(b.len, sizeof big);
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Not there: errno says why. */
    unlink(path);
    errno = 0;
    assert_int_equal(ion_strbuf_read_file(&b, path, 1000), ION_READ_OPEN);
    assert_int_equal(errno, ENOENT);
    ion_strbuf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_puts_printf),
        cmocka_unit_test(test_grow_and_detach),
        cmocka_unit_test(test_read_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
