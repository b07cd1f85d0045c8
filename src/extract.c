/* SPDX-License-Identifier: MIT */
/*
 * extract.c - links and title from an HTML page body.
 *
 * Thread: the extractor (compiled pattern) is read-only after extract_new();
 * each thread brings its own extract_ctx.
 */

/*
 * DESIGN
 *
 * A fetch worker calls extract_page() once per HTML body. One JIT-compiled
 * pcre2 pattern finds the next markup start: a comment "<!--", a start or end
 * tag "<name" / "</name", or a bogus comment "<!", "<?", "</" + non-letter.
 * From there a small C tokenizer, following the states of the HTML
 * tokenizer (WHATWG 13.2.5), reads the attributes of every tag, so a '>' or
 * "<a" inside a quoted attribute value never starts a tag. Comments, bogus
 * comments and the contents of raw-text elements (script, style, textarea,
 * title, xmp, iframe, noembed, noframes; plaintext to the end) are skipped
 * with memchr, so links inside them are ignored.
 *
 * Every byte is looked at a bounded number of times: the scan only moves
 * forward, the pattern has no unbounded repeat, and a construct that never
 * ends (comment, quoted value, raw text) ends at the end of the body. The
 * body is hostile and not NUL-terminated; nothing reads past len.
 *
 * href/src values are entity-decoded into a per-thread buffer, resolved
 * against the base (page URL, or the first <base href>) by url_resolve(), and
 * deduplicated through an open-addressing hash set kept in the ctx. The set
 * is cleared in O(1) by bumping a generation number, so a page with 100,000
 * links costs O(n) and the next small page costs nothing extra.
 *
 * dropped counts link attributes not kept for any reason except being a
 * duplicate: non-http(s) schemes (javascript:, mailto:, ...), unparseable
 * or too long URLs, and everything after the EXTRACT_MAX_LINKS cap (once the
 * cap is reached, later links are counted without being resolved).
 */
#include "extract.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "url.h"
#include "util.h"

/* Total bytes of URL text kept from one page. A hostile page can pair a
 * long <base href> with 100,000 one-byte relative links; this keeps that
 * from turning a small body into gigabytes. */
#define EXTRACT_MAX_URL_BYTES ((size_t)16 << 20)

/* pcre2 match limit; the tag pattern needs a few dozen steps at most. */
#define EXTRACT_MATCH_LIMIT 10000

/* Set sizes: slots, power of two; shrunk back after a huge page. */
#define SET_MIN_SLOTS 256
#define SET_KEEP_SLOTS 4096

/* Markup start. Group 1: comment; 2: '/' of an end tag; 3: tag name, at
 * most 16 bytes (the C code reads the rest of a longer name). Anything else
 * matched ("<!", "<?", "</" not followed by a letter) is a bogus comment. */
static const char tag_pattern[] =
    "<(?:(!--)|(/?)([A-Za-z][^\\t\\n\\f\\r />]{0,15})|[!?/])";

struct extractor {
    pcre2_code *tag_re;
    bool jit; /* tag_re was JIT-compiled */
};

/* One slot of the dedup set; empty unless gen equals the ctx's gen. */
struct slot {
    uint64_t hash;
    uint32_t idx; /* index into the result's links */
    uint32_t gen;
};

struct extract_ctx {
    const struct extractor *x;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    struct slot *slots; /* nslots of them, a power of two */
    size_t nslots, used;
    uint32_t gen;       /* current generation of slots */
    uint64_t seed;      /* hash seed, so colliding URLs cannot be precomputed */
    size_t bytes;       /* URL bytes kept for the current page */
    char page[URL_MAX]; /* normalised page URL */
    char base[URL_MAX]; /* resolved <base href> */
    char url[URL_MAX];  /* resolved link */
    char val[3 * URL_MAX]; /* decoded attribute value (NUL -> 3 bytes) */
};

/* A slice of the body. */
struct span {
    const char *p;
    size_t n;
    bool set;
};

/* The attributes extract_page() looks at; first occurrence wins. */
struct attrs {
    struct span href, src, rel;
};

enum tag_id {
    TAG_OTHER,
    TAG_A,
    TAG_AREA,
    TAG_LINK,
    TAG_IFRAME,
    TAG_FRAME,
    TAG_BASE,
    TAG_TITLE,
    TAG_SCRIPT,
    TAG_STYLE,
    TAG_TEXTAREA,
    TAG_XMP,
    TAG_NOEMBED,
    TAG_NOFRAMES,
    TAG_PLAINTEXT,
};

/* In enum tag_id order, from TAG_A: tags[id - TAG_A] is id's entry. */
static const struct {
    const char *name;
    size_t len;
    enum tag_id id;
} tags[] = {
    {"a", 1, TAG_A},
    {"area", 4, TAG_AREA},
    {"link", 4, TAG_LINK},
    {"iframe", 6, TAG_IFRAME},
    {"frame", 5, TAG_FRAME},
    {"base", 4, TAG_BASE},
    {"title", 5, TAG_TITLE},
    {"script", 6, TAG_SCRIPT},
    {"style", 5, TAG_STYLE},
    {"textarea", 8, TAG_TEXTAREA},
    {"xmp", 3, TAG_XMP},
    {"noembed", 7, TAG_NOEMBED},
    {"noframes", 8, TAG_NOFRAMES},
    {"plaintext", 9, TAG_PLAINTEXT},
};
_Static_assert(sizeof(tags) / sizeof(tags[0]) == TAG_PLAINTEXT,
               "tags[] follows enum tag_id");

/* Named character references. legacy: also recognised without the ';'
 * (the HTML "legacy" names). cp fits in 16 bits: all are in the BMP. */
static const struct entity {
    const char *name;
    uint16_t cp;
    bool legacy;
} entities[] = {
    {"amp", '&', true},        {"AMP", '&', true},
    {"lt", '<', true},         {"LT", '<', true},
    {"gt", '>', true},         {"GT", '>', true},
    {"quot", '"', true},       {"QUOT", '"', true},
    {"apos", '\'', false},     {"nbsp", 0xa0, true},
    {"copy", 0xa9, true},      {"COPY", 0xa9, true},
    {"reg", 0xae, true},       {"REG", 0xae, true},
    {"iexcl", 0xa1, true},     {"cent", 0xa2, true},
    {"pound", 0xa3, true},     {"yen", 0xa5, true},
    {"sect", 0xa7, true},      {"laquo", 0xab, true},
    {"shy", 0xad, true},       {"deg", 0xb0, true},
    {"plusmn", 0xb1, true},    {"para", 0xb6, true},
    {"middot", 0xb7, true},    {"raquo", 0xbb, true},
    {"frac14", 0xbc, true},    {"frac12", 0xbd, true},
    {"frac34", 0xbe, true},    {"iquest", 0xbf, true},
    {"Auml", 0xc4, true},      {"Ouml", 0xd6, true},
    {"Uuml", 0xdc, true},      {"times", 0xd7, true},
    {"szlig", 0xdf, true},     {"agrave", 0xe0, true},
    {"aacute", 0xe1, true},    {"auml", 0xe4, true},
    {"ccedil", 0xe7, true},    {"egrave", 0xe8, true},
    {"eacute", 0xe9, true},    {"ntilde", 0xf1, true},
    {"ouml", 0xf6, true},      {"divide", 0xf7, true},
    {"uuml", 0xfc, true},      {"ndash", 0x2013, false},
    {"mdash", 0x2014, false},  {"lsquo", 0x2018, false},
    {"rsquo", 0x2019, false},  {"sbquo", 0x201a, false},
    {"ldquo", 0x201c, false},  {"rdquo", 0x201d, false},
    {"bdquo", 0x201e, false},  {"dagger", 0x2020, false},
    {"Dagger", 0x2021, false}, {"bull", 0x2022, false},
    {"hellip", 0x2026, false}, {"permil", 0x2030, false},
    {"lsaquo", 0x2039, false}, {"rsaquo", 0x203a, false},
    {"euro", 0x20ac, false},   {"trade", 0x2122, false},
    {"ensp", 0x2002, false},   {"emsp", 0x2003, false},
    {"thinsp", 0x2009, false}, {"zwnj", 0x200c, false},
    {"zwj", 0x200d, false},    {"lrm", 0x200e, false},
    {"rlm", 0x200f, false},    {"Tab", '\t', false},
    {"NewLine", '\n', false},  {"excl", '!', false},
    {"num", '#', false},       {"dollar", '$', false},
    {"percnt", '%', false},    {"lpar", '(', false},
    {"rpar", ')', false},      {"ast", '*', false},
    {"plus", '+', false},      {"comma", ',', false},
    {"period", '.', false},    {"sol", '/', false},
    {"colon", ':', false},     {"semi", ';', false},
    {"equals", '=', false},    {"quest", '?', false},
    {"commat", '@', false},    {"lsqb", '[', false},
    {"rsqb", ']', false},      {"bsol", '\\', false},
    {"lowbar", '_', false},    {"grave", '`', false},
    {"lcub", '{', false},      {"rcub", '}', false},
    {"verbar", '|', false},
};

/* Longest name in entities[]. */
#define ENTITY_NAME_MAX 8

/* What &#128; .. &#159; mean (the HTML spec maps them as windows-1252). */
static const uint16_t c1_map[32] = {
    0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
    0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
    0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
    0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
};

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

static inline bool
is_space(unsigned char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\f' || ch == '\r';
}

static inline bool
is_alnum(unsigned char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
           (ch >= 'A' && ch <= 'Z');
}

static inline unsigned char
ascii_lower(unsigned char ch)
{
    return ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch;
}

/* s[0..n) equals the lower-case ASCII lower[0..n), ignoring ASCII case. */
static bool
ascii_caseeq(const char *s, const char *lower, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ascii_lower((unsigned char)s[i]) != (unsigned char)lower[i])
            return false;
    return true;
}

static size_t
utf8_put(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

static size_t
decode_numeric(const char *in, size_t len, char u[4], size_t *ulen)
{
    size_t i = 2, start;
    uint32_t cp = 0;
    bool hex = i < len && (in[i] == 'x' || in[i] == 'X');

    if (hex)
        i++;
    start = i;
    for (; i < len; i++) {
        unsigned char ch = (unsigned char)in[i];
        unsigned d;

        if (ch >= '0' && ch <= '9')
            d = ch - '0';
        else if (hex && ascii_lower(ch) >= 'a' && ascii_lower(ch) <= 'f')
            d = ascii_lower(ch) - 'a' + 10;
        else
            break;
        if (cp <= 0x10ffff) /* saturate: anything larger is invalid */
            cp = cp * (hex ? 16 : 10) + d;
    }
    if (i == start)
        return 0; /* "&#" or "&#x" without digits is literal text */
    if (i < len && in[i] == ';')
        i++;
    if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        cp = 0xfffd;
    else if (cp >= 0x80 && cp <= 0x9f)
        cp = c1_map[cp - 0x80];
    *ulen = utf8_put(cp, u);
    return i;
}

/* Decode the character reference at in[0..len), in[0] == '&'. Returns the
 * bytes it spans, with its UTF-8 in u[0..*ulen), or 0 if there is none (the
 * '&' is then literal). in_attr applies the attribute-value rule: a legacy
 * name without ';' followed by a letter, digit or '=' is not a reference
 * ("?a=1&copy=2" stays as it is). */
static size_t
decode_ref(const char *in, size_t len, bool in_attr, char u[4], size_t *ulen)
{
    const struct entity *best = NULL;
    size_t k = 0, blen = 0;

    if (len < 2)
        return 0;
    if (in[1] == '#')
        return decode_numeric(in, len, u, ulen);
    while (1 + k < len && k <= ENTITY_NAME_MAX && is_alnum(in[1 + k]))
        k++;
    if (k == 0)
        return 0;
    if (k <= ENTITY_NAME_MAX && 1 + k < len && in[1 + k] == ';') {
        for (size_t i = 0; i < sizeof(entities) / sizeof(entities[0]); i++) {
            if (strlen(entities[i].name) == k &&
                memcmp(entities[i].name, in + 1, k) == 0) {
                *ulen = utf8_put(entities[i].cp, u);
                return k + 2;
            }
        }
    }
    /* No ';': the longest legacy name that prefixes the run. */
    for (size_t i = 0; i < sizeof(entities) / sizeof(entities[0]); i++) {
        size_t n = strlen(entities[i].name);

        if (entities[i].legacy && n <= k && n > blen &&
            memcmp(entities[i].name, in + 1, n) == 0) {
            best = &entities[i];
            blen = n;
        }
    }
    if (best == NULL)
        return 0;
    if (in_attr && 1 + blen < len &&
        (is_alnum(in[1 + blen]) || in[1 + blen] == '='))
        return 0;
    *ulen = utf8_put(best->cp, u);
    return 1 + blen;
}

/* The next character of in[0..len) (len > 0), decoded: a character
 * reference (attribute rules when attr), a NUL as U+FFFD, else the byte
 * itself. Sets *src (u or a constant) and *ulen; returns bytes consumed. */
static size_t
next_char(const char *in, size_t len, bool attr, char u[4], const char **src,
          size_t *ulen)
{
    size_t used = 0;

    *src = u;
    *ulen = 1;
    if (in[0] == '&')
        used = decode_ref(in, len, attr, u, ulen);
    if (used > 0)
        return used;
    if (in[0] == '\0') {
        *src = replacement;
        *ulen = 3;
    } else {
        u[0] = in[0];
    }
    return 1;
}

/* Attribute-value decoding: references decoded, NUL bytes become U+FFFD
 * (as browsers do), so out never holds an early NUL. Stops before a
 * character that would not fit. */
size_t
extract_decode_entities(const char *in, size_t len, char *out, size_t outsz)
{
    size_t i = 0, n = 0;

    if (outsz == 0)
        return 0;
    while (i < len) {
        char u[4];
        const char *src;
        size_t ulen, used = next_char(in + i, len - i, true, u, &src, &ulen);

        if (n + ulen > outsz - 1)
            break;
        memcpy(out + n, src, ulen);
        n += ulen;
        i += used;
    }
    out[n] = '\0';
    return n;
}

/* The title from the raw text in[0..len): references decoded, NUL as U+FFFD,
 * runs of ASCII whitespace collapsed to one space, trimmed, cut to fit out
 * (EXTRACT_TITLE_MAX) without splitting a UTF-8 sequence. Reads only as far
 * as it needs. */
static void
build_title(const char *in, size_t len, char *out)
{
    const size_t cap = EXTRACT_TITLE_MAX - 1;
    char tmp[EXTRACT_TITLE_MAX + 8];
    size_t i = 0, n = 0;
    bool space = false;

    while (i < len && n <= cap) {
        char u[4];
        const char *src;
        size_t ulen, used = next_char(in + i, len - i, false, u, &src, &ulen);

        i += used;
        if (ulen == 1 && is_space((unsigned char)src[0])) {
            space = true;
            continue;
        }
        if (space && n > 0)
            tmp[n++] = ' ';
        space = false;
        memcpy(tmp + n, src, ulen); /* n <= cap + 1, so this fits */
        n += ulen;
    }
    if (n > cap) {
        size_t cut = cap;

        /* tmp[cap] continuing a sequence: cut before its lead byte. */
        while (cut > 0 && cap - cut < 3 &&
               ((unsigned char)tmp[cut] & 0xc0) == 0x80)
            cut--;
        if (((unsigned char)tmp[cut] & 0xc0) == 0x80)
            cut = cap; /* not UTF-8 anyway */
        n = cut;
        while (n > 0 && tmp[n - 1] == ' ')
            n--;
    }
    memcpy(out, tmp, n);
    out[n] = '\0';
}

static enum tag_id
tag_lookup(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
        if (tags[i].len == len && ascii_caseeq(name, tags[i].name, len))
            return tags[i].id;
    return TAG_OTHER;
}

static void
attr_note(struct attrs *a, const char *name, size_t nlen, const char *v,
          size_t vlen)
{
    struct span *s = NULL;

    if (nlen == 4 && ascii_caseeq(name, "href", 4))
        s = &a->href;
    else if (nlen == 3 && ascii_caseeq(name, "src", 3))
        s = &a->src;
    else if (nlen == 3 && ascii_caseeq(name, "rel", 3))
        s = &a->rel;
    if (s != NULL && !s->set) {
        s->p = v;
        s->n = vlen;
        s->set = true;
    }
}

/* Byte classes for the tag tokenizer. */
enum {
    CH_SPACE = 1,     /* ASCII whitespace: ends names and unquoted values */
    CH_NAME_END = 2,  /* ends an attribute name: space, '/', '>', '=' */
    CH_VALUE_END = 4, /* ends an unquoted value: space, '>' */
};

#define CH_WS (CH_SPACE | CH_NAME_END | CH_VALUE_END)
static const unsigned char ch_class[256] = {
    ['\t'] = CH_WS,      ['\n'] = CH_WS,
    ['\f'] = CH_WS,      ['\r'] = CH_WS,
    [' '] = CH_WS,       ['/'] = CH_NAME_END,
    ['='] = CH_NAME_END, ['>'] = CH_NAME_END | CH_VALUE_END,
};
#undef CH_WS

static inline bool
is_class(char ch, unsigned cls)
{
    return ch_class[(unsigned char)ch] & cls;
}

/* Read the attributes of a tag from b[p] (just after its name) up to and
 * including its '>'. Returns the position after the '>' with *ended set,
 * or len if the tag runs into the end of the body (then it does not count,
 * as in browsers). Notes href/src/rel in a unless a is NULL. */
static size_t
parse_attrs(const char *b, size_t len, size_t p, struct attrs *a, bool *ended)
{
    *ended = false;
    for (;;) {
        size_t ns, ne, vs, ve;

        while (p < len && (is_class(b[p], CH_SPACE) || b[p] == '/'))
            p++;
        if (p >= len)
            return len;
        if (b[p] == '>') {
            *ended = true;
            return p + 1;
        }
        ns = p++; /* the first character may be '=' */
        while (p < len && !is_class(b[p], CH_NAME_END))
            p++;
        ne = p;
        while (p < len && is_class(b[p], CH_SPACE))
            p++;
        if (p >= len)
            return len;
        if (b[p] != '=') { /* no value; '/', '>' or the next name follows */
            if (a != NULL)
                attr_note(a, b + ns, ne - ns, b + p, 0);
            continue;
        }
        p++;
        while (p < len && is_class(b[p], CH_SPACE))
            p++;
        if (p >= len)
            return len;
        if (b[p] == '"' || b[p] == '\'') {
            const char *q = memchr(b + p + 1, b[p], len - p - 1);

            if (q == NULL)
                return len;
            vs = p + 1;
            ve = (size_t)(q - b);
            p = ve + 1;
        } else {
            vs = p;
            while (p < len && !is_class(b[p], CH_VALUE_END))
                p++;
            ve = p;
        }
        if (a != NULL)
            attr_note(a, b + ns, ne - ns, b + vs, ve - vs);
    }
}

/* Position of the end of a comment whose "<!--" ends at p. */
static size_t
skip_comment(const char *b, size_t len, size_t p)
{
    if (p < len && b[p] == '>') /* "<!-->" */
        return p + 1;
    if (p + 1 < len && b[p] == '-' && b[p + 1] == '>') /* "<!--->" */
        return p + 2;
    while (p < len) {
        const char *q = memchr(b + p, '-', len - p);
        size_t i;

        if (q == NULL)
            return len;
        i = (size_t)(q - b);
        if (i + 2 < len && b[i + 1] == '-' && b[i + 2] == '>')
            return i + 3;
        if (i + 3 < len && b[i + 1] == '-' && b[i + 2] == '!' &&
            b[i + 3] == '>')
            return i + 4;
        p = i + 1;
    }
    return len;
}

/* Position of the '<' of "</name" followed by whitespace, '/' or '>', at or
 * after p; len if there is none. name is lower case. */
static size_t
find_end_tag(const char *b, size_t len, size_t p, const char *name, size_t n)
{
    while (p < len) {
        const char *q = memchr(b + p, '<', len - p);
        size_t i;

        if (q == NULL)
            return len;
        i = (size_t)(q - b);
        if (i + 2 + n < len && b[i + 1] == '/' &&
            ascii_caseeq(b + i + 2, name, n)) {
            unsigned char ch = (unsigned char)b[i + 2 + n];

            if (is_space(ch) || ch == '/' || ch == '>')
                return i;
        }
        p = i + 1;
    }
    return len;
}

static uint64_t
url_key(const struct extract_ctx *c, const char *s, size_t len)
{
    uint64_t h = c->seed ^ (len * 0x9e3779b97f4a7c15u);
    uint64_t w;

    for (; len >= 8; s += 8, len -= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9u;
        h ^= h >> 31;
    }
    w = 0;
    memcpy(&w, s, len);
    h = (h ^ w) * 0x94d049bb133111ebu;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9u;
    h ^= h >> 32;
    return h;
}

static void
set_clear(struct extract_ctx *c)
{
    if (c->nslots > SET_KEEP_SLOTS) { /* a huge page came before */
        free(c->slots);
        c->nslots = SET_MIN_SLOTS;
        c->slots = xcalloc(c->nslots, sizeof(*c->slots));
        c->gen = 0;
    }
    c->used = 0;
    if (++c->gen == 0) {
        memset(c->slots, 0, c->nslots * sizeof(*c->slots));
        c->gen = 1;
    }
}

static void
set_grow(struct extract_ctx *c)
{
    size_t n = c->nslots * 2;
    struct slot *s = xcalloc(n, sizeof(*s));

    for (size_t i = 0; i < c->nslots; i++) {
        size_t j;

        if (c->slots[i].gen != c->gen)
            continue;
        for (j = c->slots[i].hash & (n - 1); s[j].gen == c->gen;)
            j = (j + 1) & (n - 1);
        s[j] = c->slots[i];
    }
    free(c->slots);
    c->slots = s;
    c->nslots = n;
}

/* The slot holding url, or the empty slot where it would go. */
static struct slot *
set_find(struct extract_ctx *c, const struct extract_result *r, uint64_t h,
         const char *url)
{
    size_t mask = c->nslots - 1;

    for (size_t j = h & mask;; j = (j + 1) & mask) {
        struct slot *s = &c->slots[j];

        if (s->gen != c->gen)
            return s;
        if (s->hash == h && strcmp(r->links[s->idx].url, url) == 0)
            return s;
    }
}

static void
result_reset(struct extract_result *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->links[i].url);
        free(r->links[i].rel);
    }
    r->n = 0;
    r->dropped = 0;
    r->title[0] = '\0';
}

/* Decode, resolve and keep one link unless it is a duplicate. */
static void
add_link(struct extract_ctx *c, struct extract_result *r, const char *base,
         const struct span *v, enum link_kind kind, const struct span *rel)
{
    struct extract_link *l;
    struct slot *s;
    size_t ulen;
    uint64_t h;

    if (r->n >= EXTRACT_MAX_LINKS || v->n >= URL_MAX) {
        r->dropped++;
        return;
    }
    extract_decode_entities(v->p, v->n, c->val, sizeof(c->val));
    if (url_resolve(base, c->val, c->url, sizeof(c->url)) != URL_OK) {
        r->dropped++;
        return;
    }
    ulen = strlen(c->url);
    h = url_key(c, c->url, ulen);
    s = set_find(c, r, h, c->url);
    if (s->gen == c->gen) {
        /* duplicate: a page link (<a>, frame) outranks a <link> to the
         * same URL, so the crawler follows it */
        if (r->links[s->idx].kind == LINK_LINK && kind != LINK_LINK)
            r->links[s->idx].kind = kind;
        return;
    }
    if (c->bytes + ulen > EXTRACT_MAX_URL_BYTES) {
        r->dropped++;
        return;
    }
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->links = xrealloc(r->links, r->cap * sizeof(*r->links));
    }
    l = &r->links[r->n];
    l->url = xstrndup(c->url, ulen);
    l->rel = NULL;
    l->kind = kind;
    if (rel != NULL && rel->set && rel->n < URL_MAX) {
        size_t n =
            extract_decode_entities(rel->p, rel->n, c->val, sizeof(c->val));

        for (size_t i = 0; i < n; i++)
            c->val[i] = (char)ascii_lower((unsigned char)c->val[i]);
        l->rel = xstrndup(c->val, n);
    }
    c->bytes += ulen;
    s->hash = h;
    s->idx = (uint32_t)r->n;
    s->gen = c->gen;
    r->n++;
    if (++c->used * 2 > c->nslots)
        set_grow(c);
}

static int
tag_match(struct extract_ctx *c, const char *body, size_t len, size_t pos)
{
    if (c->x->jit)
        return pcre2_jit_match(c->x->tag_re, (PCRE2_SPTR)body, len, pos, 0,
                               c->md, c->mctx);
    return pcre2_match(c->x->tag_re, (PCRE2_SPTR)body, len, pos, 0, c->md,
                       c->mctx);
}

int
extract_page(struct extract_ctx *c, const char *body, size_t len,
             const char *page_url, struct extract_result *r)
{
    const char *base = c->page;
    bool have_base = false, have_title = false;
    size_t pos = 0;

    result_reset(r);
    if (url_resolve(NULL, page_url, c->page, sizeof(c->page)) != URL_OK)
        return -1;
    set_clear(c);
    c->bytes = 0;

    while (body != NULL && pos < len) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->md);
        struct attrs a;
        enum tag_id id = TAG_OTHER;
        bool ended;
        size_t p;

        /* No match or an error (match limit): nothing more to find. */
        if (tag_match(c, body, len, pos) < 0)
            break;
        if (ov[2] != PCRE2_UNSET) {
            pos = skip_comment(body, len, ov[1]);
            continue;
        }
        if (ov[6] == PCRE2_UNSET) { /* bogus comment, up to '>' */
            const char *q = memchr(body + ov[1], '>', len - ov[1]);

            pos = q != NULL ? (size_t)(q - body) + 1 : len;
            continue;
        }
        p = ov[7];
        /* the rest of a name longer than the pattern takes */
        while (p < len && !is_space((unsigned char)body[p]) && body[p] != '/' &&
               body[p] != '>')
            p++;
        if (ov[5] == ov[4]) /* a start tag */
            id = tag_lookup(body + ov[6], p - ov[6]);
        memset(&a, 0, sizeof(a));
        pos = parse_attrs(body, len, p, id != TAG_OTHER ? &a : NULL, &ended);
        if (!ended)
            break; /* a tag cut off by the end of the body is no tag */

        switch (id) {
        case TAG_A:
        case TAG_AREA:
            if (a.href.set)
                add_link(c, r, base, &a.href, LINK_A, NULL);
            break;
        case TAG_LINK:
            if (a.href.set)
                add_link(c, r, base, &a.href, LINK_LINK, &a.rel);
            break;
        case TAG_IFRAME:
        case TAG_FRAME:
            if (a.src.set)
                add_link(c, r, base, &a.src, LINK_FRAME, NULL);
            break;
        case TAG_BASE:
            if (have_base || !a.href.set)
                break;
            have_base = true; /* only the first <base href> counts */
            if (a.href.n >= URL_MAX)
                break;
            extract_decode_entities(a.href.p, a.href.n, c->val, sizeof(c->val));
            if (url_resolve(c->page, c->val, c->base, sizeof(c->base)) ==
                URL_OK)
                base = c->base;
            break;
        default:
            break;
        }

        switch (id) { /* raw-text elements: skip to their end tag */
        case TAG_TITLE:
        case TAG_SCRIPT:
        case TAG_STYLE:
        case TAG_TEXTAREA:
        case TAG_XMP:
        case TAG_IFRAME:
        case TAG_NOEMBED:
        case TAG_NOFRAMES:
            p = pos;
            pos = find_end_tag(body, len, p, tags[id - TAG_A].name,
                               tags[id - TAG_A].len);
            if (id == TAG_TITLE && !have_title) {
                have_title = true;
                build_title(body + p, pos - p, r->title);
            }
            break;
        case TAG_PLAINTEXT:
            pos = len;
            break;
        default:
            break;
        }
    }
    return 0;
}

struct extractor *
extract_new(char **cause)
{
    struct extractor *x = xcalloc(1, sizeof(*x));
    PCRE2_SIZE off;
    int err;

    x->tag_re =
        pcre2_compile((PCRE2_SPTR)tag_pattern, PCRE2_ZERO_TERMINATED,
                      PCRE2_NEVER_UTF | PCRE2_NEVER_UCP, &err, &off, NULL);
    if (x->tag_re == NULL) {
        PCRE2_UCHAR msg[256];

        pcre2_get_error_message(err, msg, sizeof(msg));
        *cause = xasprintf("extract: pattern at %zu: %s", (size_t)off,
                           (const char *)msg);
        free(x);
        return NULL;
    }
    /* Without JIT (not built in, or no executable memory) the interpreter
     * does the same job, only slower. */
    x->jit = pcre2_jit_compile(x->tag_re, PCRE2_JIT_COMPLETE) == 0;
    return x;
}

void
extract_free(struct extractor *x)
{
    if (x == NULL)
        return;
    pcre2_code_free(x->tag_re);
    free(x);
}

struct extract_ctx *
extract_ctx_new(const struct extractor *x)
{
    struct extract_ctx *c = xcalloc(1, sizeof(*c));
    struct timespec ts;

    c->x = x;
    c->md = pcre2_match_data_create_from_pattern(x->tag_re, NULL);
    c->mctx = pcre2_match_context_create(NULL);
    if (c->md == NULL || c->mctx == NULL)
        fatal("extract: out of memory");
    pcre2_set_match_limit(c->mctx, EXTRACT_MATCH_LIMIT);
    c->nslots = SET_MIN_SLOTS;
    c->slots = xcalloc(c->nslots, sizeof(*c->slots));
    clock_gettime(CLOCK_MONOTONIC, &ts);
    c->seed = (uint64_t)(uintptr_t)c * 0x9e3779b97f4a7c15u ^
              (uint64_t)ts.tv_nsec << 20 ^ (uint64_t)ts.tv_sec;
    return c;
}

void
extract_ctx_free(struct extract_ctx *c)
{
    if (c == NULL)
        return;
    pcre2_match_data_free(c->md);
    pcre2_match_context_free(c->mctx);
    free(c->slots);
    free(c);
}

void
extract_result_init(struct extract_result *r)
{
    memset(r, 0, sizeof(*r));
}

void
extract_result_fini(struct extract_result *r)
{
    result_reset(r);
    free(r->links);
    memset(r, 0, sizeof(*r));
}
