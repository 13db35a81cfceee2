/* Label sets and `le` numbers of the metrics exposition (metrics.h has the
 * rules). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/metrics_labels.h"
#include "output/values.h"

/* How many bytes of a valid UTF-8 sequence start at p (n bytes there), or
 * 0 when none does: overlong forms, surrogates and code points past
 * U+10FFFF are not valid. */
static size_t utf8_sequence(const unsigned char *p, size_t n)
{
    if (p[0] < 0x80)
        return 1;
    size_t len;
    uint32_t cp, min;
    if ((p[0] & 0xe0) == 0xc0) {
        len = 2, cp = p[0] & 0x1f, min = 0x80;
    } else if ((p[0] & 0xf0) == 0xe0) {
        len = 3, cp = p[0] & 0x0f, min = 0x800;
    } else if ((p[0] & 0xf8) == 0xf0) {
        len = 4, cp = p[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* A label value: backslash, double quote and newline escaped as both
 * formats say; a byte that starts no UTF-8 sequence as the text \xHH
 * (both formats must be UTF-8, and Prometheus rejects a whole scrape
 * that is not). */
static void write_label_value(FILE *out, const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        size_t seq = utf8_sequence(p + i, len - i);
        if (seq == 0)
            fprintf(out, "\\\\x%02x", p[i]);
        else if (p[i] == '\\')
            fputs("\\\\", out);
        else if (p[i] == '"')
            fputs("\\\"", out);
        else if (p[i] == '\n')
            fputs("\\n", out);
        else
            fwrite(p + i, 1, seq, out);
        i += seq ? seq : 1;
    }
}

char *metrics_label_set(const struct metrics_plan *plan, const struct metrics_map *m,
                        const uint8_t *key)
{
    /* each field's text is printed into `field` from its start again, then
     * escaped into the set */
    char *set = NULL, *text = NULL;
    size_t set_len = 0, text_len = 0;
    FILE *out = open_memstream(&set, &set_len);
    FILE *field = open_memstream(&text, &text_len);
    bool ok = out && field;
    const struct record_desc *fields = &m->map->key;
    for (int i = 0; ok && i < fields->nfields; i++) {
        ok = fseek(field, 0, SEEK_SET) == 0;
        output_print_key_field(field, plan->prog, &fields->fields[i], key);
        ok = ok && fflush(field) == 0;
        fprintf(out, "%s%s=\"", i ? "," : "", m->labels[i]);
        write_label_value(out, text, text_len);
        fputc('"', out);
    }
    if (field && fclose(field) != 0)
        ok = false;
    free(text);
    if (out && fclose(out) != 0)
        ok = false;
    if (!ok) {
        free(set);
        return NULL;
    }
    return set;
}

void metrics_canonical_number(char *buf, size_t cap, double v)
{
    if (isinf(v)) {
        snprintf(buf, cap, v > 0 ? "+Inf" : "-Inf");
        return;
    }
    /* the fewest significant digits that read back as v */
    char e[48];
    int digits = 1;
    for (; digits < 17; digits++) {
        snprintf(e, sizeof(e), "%.*e", digits - 1, v);
        if (strtod(e, NULL) == v)
            break;
    }
    snprintf(e, sizeof(e), "%.*e", digits - 1, v);
    int exponent = atoi(strchr(e, 'e') + 1);
    /* Go's %g of the shortest digits: exponent form below 1e-4 and from
     * 1e+06 on, fixed otherwise */
    if (exponent < -4 || exponent >= 6) {
        snprintf(buf, cap, "%s", e);
        return;
    }
    int decimals = digits - 1 - exponent;
    snprintf(buf, cap, "%.*f", decimals > 0 ? decimals : 0, v);
    if (!strchr(buf, '.') && strlen(buf) + 2 < cap)
        strcat(buf, ".0");
}
