/* The expression engine's lexer (expr_int.h): numbers with their unit
 * literals converted to SI, strings into the compiler's pool, names and
 * operators. */
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "expr_int.h"

#define NUM_MAX 255 /* bytes of one number literal */

static int is_digit(int ch) { return ch >= '0' && ch <= '9'; }
static int is_name_start(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}
static int is_space(int ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

/* strtod in the C locale's spelling whatever the program's locale is. */
static double parse_decimal(const char *s, int n)
{
    char buf[NUM_MAX + 8];
    const char *dp = localeconv()->decimal_point;
    size_t dl = strlen(dp), o = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] == '.' && dl <= 4) {
            memcpy(buf + o, dp, dl);
            o += dl;
        } else {
            buf[o++] = s[i];
        }
    }
    buf[o] = '\0';
    return strtod(buf, NULL);
}

/* An optional unit after a number: spaces, then [unit]. */
static int lex_unit(compiler *c, token *t)
{
    int p = c->pos;
    while (p < c->len && is_space((unsigned char)c->src[p]))
        p++;
    if (p >= c->len || c->src[p] != '[')
        return 0;
    int start = p + 1, stop = start;
    while (stop < c->len && c->src[stop] != ']' && c->src[stop] != '\n')
        stop++;
    if (stop >= c->len || c->src[stop] != ']')
        return fail(c, p, "err.expr.unit_bracket", "-");
    int a = start, b = stop; /* trim the spaces inside the brackets */
    while (a < b && is_space((unsigned char)c->src[a]))
        a++;
    while (b > a && is_space((unsigned char)c->src[b - 1]))
        b--;
    const ion_unit *u = ion_unit_findn(c->src + a, b - a);
    if (!u)
        return fail(c, p, "err.expr.unknown_unit", "%.*s", b - a > 40 ? 40 : b - a, c->src + a);
    t->unit = u;
    t->raw = t->num;
    t->num = ion_to_si(u, t->raw);
    c->pos = stop + 1;
    return 0;
}

static int lex_number(compiler *c, token *t)
{
    const char *s = c->src;
    int p = c->pos, digits = 0;
    while (p < c->len && is_digit((unsigned char)s[p]))
        p++, digits++;
    if (p < c->len && s[p] == '.')
        for (p++; p < c->len && is_digit((unsigned char)s[p]); p++)
            digits++;
    if (digits && p < c->len && (s[p] == 'e' || s[p] == 'E')) {
        int q = p + 1;
        if (q < c->len && (s[q] == '+' || s[q] == '-'))
            q++;
        if (q >= c->len || !is_digit((unsigned char)s[q]))
            return fail(c, t->pos, "err.expr.malformed_number", "%.*s", q - t->pos, s + t->pos);
        for (p = q; p < c->len && is_digit((unsigned char)s[p]); p++)
            ;
    }
    if (!digits)
        return fail(c, t->pos, "err.expr.syntax_dot", "-");
    if (p - t->pos > NUM_MAX)
        return fail(c, t->pos, "err.expr.number_long", "-");
    t->kind = T_NUM;
    t->num = parse_decimal(s + t->pos, p - t->pos);
    c->pos = p;
    if (lex_unit(c, t) < 0)
        return -1;
    if (!isfinite(t->num)) /* too large as written, or once in SI */
        return fail(c, t->pos, "err.expr.number_range", "%.*s",
                    c->pos - t->pos > 40 ? 40 : c->pos - t->pos, s + t->pos);
    return 0;
}

static int lex_string(compiler *c, token *t)
{
    int p = c->pos + 1;
    while (p < c->len && c->src[p] != '"' && c->src[p] != '\n')
        p++;
    if (p >= c->len || c->src[p] != '"')
        return fail(c, t->pos, "err.expr.unterminated", "-");
    int n = p - (c->pos + 1);
    t->kind = T_STR;
    t->soff = c->npool;
    memcpy(c->pool + c->npool, c->src + c->pos + 1, (size_t)n);
    c->npool += n;
    c->pool[c->npool++] = '\0';
    c->pos = p + 1;
    return 0;
}

/* Operators, longest first. */
static const struct {
    const char *text;
    tok_kind kind;
} ops[] = {
    {"<=", T_LE}, {">=", T_GE}, {"==", T_EQ}, {"!=", T_NE}, {"&&", T_AND},
    {"||", T_OR}, {"\xe2\x88\x92", T_MINUS} /* U+2212 minus, as pasted from PDFs */,
    {"(", T_LP}, {")", T_RP}, {",", T_COMMA}, {"+", T_PLUS}, {"-", T_MINUS},
    {"*", T_STAR}, {"/", T_SLASH}, {"^", T_CARET}, {"<", T_LT}, {">", T_GT},
    {"!", T_NOT},
};

/* Moves c->tok to the next token; -1 on a lexical error. */
int expr_next(compiler *c)
{
    const char *s = c->src;
    c->last_end = c->tok.pos + c->tok.len;
    while (c->pos < c->len && is_space((unsigned char)s[c->pos]))
        c->pos++;
    token *t = &c->tok;
    *t = (token){.kind = T_END, .pos = c->pos, .soff = -1};
    if (c->pos >= c->len)
        return 0;
    unsigned char ch = (unsigned char)s[c->pos];
    int rc = 0;
    if (is_digit(ch) || ch == '.') {
        rc = lex_number(c, t);
    } else if (ch == '"') {
        rc = lex_string(c, t);
    } else if (is_name_start(ch)) {
        int p = c->pos;
        while (p < c->len && (is_name_start((unsigned char)s[p]) || is_digit((unsigned char)s[p])))
            p++;
        t->kind = T_NAME;
        c->pos = p;
    } else {
        size_t i;
        for (i = 0; i < sizeof ops / sizeof ops[0]; i++) {
            size_t n = strlen(ops[i].text);
            if ((size_t)(c->len - c->pos) >= n && memcmp(s + c->pos, ops[i].text, n) == 0) {
                t->kind = ops[i].kind;
                c->pos += (int)n;
                break;
            }
        }
        if (i == sizeof ops / sizeof ops[0]) {
            if (ch == '=')
                return fail(c, t->pos, "err.expr.syntax_eq", "-");
            if (ch == '[')
                return fail(c, t->pos, "err.expr.unit_after", "-");
            if (ch == '&' || ch == '|')
                return fail(c, t->pos, "err.expr.syntax_double", "%c%c%c", ch, ch, ch);
            if (ch > ' ' && ch < 127)
                return fail(c, t->pos, "err.expr.unexpected_char", "%c", ch);
            return fail(c, t->pos, "err.expr.unexpected_byte", "%x", ch);
        }
    }
    t->len = c->pos - t->pos;
    return rc;
}

int expr_syntax_error(compiler *c)
{
    const token *t = &c->tok;
    if (t->kind == T_END)
        return fail(c, t->pos, "err.expr.syntax_end", "-");
    return fail(c, t->pos, "err.expr.syntax_near", "%.*s", t->len > 40 ? 40 : t->len,
                c->src + t->pos);
}
