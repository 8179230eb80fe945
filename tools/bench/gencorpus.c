/*
 * gencorpus.c - deterministic generator of a synthetic news corpus.
 *
 *   gencorpus [--seed N] [--start YYYY-MM-DD] [--days D] [--stats] N > out.jsonl
 *
 * Writes N articles as JSON Lines (keys url, source, title, published,
 * summary, body) that mimic a news archive closely enough to benchmark
 * ingest, search, entity and date extraction, and clustering:
 *
 *  - a vocabulary of 347 real English words at the top Zipf ranks followed
 *    by 50,000 pseudo-words built from syllables;
 *  - 3,000 people, 1,500 places (countries, regions, cities) and 800
 *    organisations with skewed popularity, written the way news writes them
 *    (full name and title at first mention, surname later);
 *  - stories of 2-50 articles spanning days to weeks, each with a cast of
 *    2-6 entities and 20 topical words;
 *  - ~5% syndicated copies (another source, slightly edited title and first
 *    sentence) and ~5% late imports (emitted out of chronological order);
 *  - dated expressions ("on Tuesday", "on March 4", "last week") that are
 *    correct relative to the article's publication date.
 *
 * Output depends only on the arguments: the same seed, start, days and N give
 * identical bytes on every platform (integer-only arithmetic, own PRNG).
 * Only libc is used.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* Pseudo-random numbers: splitmix64 seeds a xoshiro256** generator.  */

typedef struct {
    uint64_t s[4];
} rng_t;

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z;

    *state += 0x9e3779b97f4a7c15ULL;
    z = *state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_seed(rng_t *r, uint64_t seed)
{
    uint64_t st = seed;
    int i;

    for (i = 0; i < 4; i++)
        r->s[i] = splitmix64(&st);
}

static uint64_t rotl64(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(rng_t *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl64(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return result;
}

/* Uniform integer in [0, n), n > 0 (multiply-shift; bias below 2^-32 * n). */
static uint32_t rng_below(rng_t *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* True with probability per_mille / 1000. */
static int rng_chance(rng_t *r, uint32_t per_mille)
{
    return rng_below(r, 1000) < per_mille;
}

/* ------------------------------------------------------------------ */
/* Growable byte buffer and a bump allocator for the world's strings. */

typedef struct {
    char *p;
    size_t len, cap;
} buf_t;

static void die_oom(void)
{
    fputs("gencorpus: out of memory\n", stderr);
    exit(1);
}

static void buf_grow(buf_t *b, size_t extra)
{
    size_t cap;
    char *p;

    cap = b->cap ? b->cap : 1024;
    while (cap < b->len + extra)
        cap *= 2;
    p = realloc(b->p, cap);
    if (p == NULL)
        die_oom();
    b->p = p;
    b->cap = cap;
}

static inline void buf_reserve(buf_t *b, size_t extra)
{
    if (b->len + extra > b->cap)
        buf_grow(b, extra);
}

static void buf_put(buf_t *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void buf_putc(buf_t *b, char c)
{
    buf_reserve(b, 1);
    b->p[b->len++] = c;
}

static void buf_puts(buf_t *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

static void buf_put_uint(buf_t *b, uint64_t v, int min_digits)
{
    char tmp[24];
    int n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n < min_digits)
        tmp[n++] = '0';
    buf_reserve(b, (size_t)n);
    while (n > 0)
        b->p[b->len++] = tmp[--n];
}

/* An immutable string owned by the world's pool. */
typedef struct {
    const char *s;
    uint32_t n;
} str_t;

#define POOL_BLOCK 65536

typedef struct {
    char **blocks;
    size_t nblocks;
    size_t used; /* bytes used in the last block */
} pool_t;

static str_t pool_dup(pool_t *pool, const char *s, size_t n)
{
    str_t out;
    char *dst;

    if (pool->nblocks == 0 || pool->used + n + 1 > POOL_BLOCK) {
        char **nb = realloc(pool->blocks, (pool->nblocks + 1) * sizeof *nb);
        if (nb == NULL)
            die_oom();
        pool->blocks = nb;
        pool->blocks[pool->nblocks] = malloc(POOL_BLOCK);
        if (pool->blocks[pool->nblocks] == NULL)
            die_oom();
        pool->nblocks++;
        pool->used = 0;
    }
    dst = pool->blocks[pool->nblocks - 1] + pool->used;
    memcpy(dst, s, n);
    dst[n] = '\0';
    pool->used += n + 1;
    out.s = dst;
    out.n = (uint32_t)n;
    return out;
}

static void pool_free(pool_t *pool)
{
    size_t i;

    for (i = 0; i < pool->nblocks; i++)
        free(pool->blocks[i]);
    free(pool->blocks);
    memset(pool, 0, sizeof *pool);
}

/* ------------------------------------------------------------------ */
/* A set of every name generated so far, so no two things share one.  */

#define NAMESET_BITS 18

typedef struct {
    str_t *slots; /* 1 << NAMESET_BITS entries; s == NULL when empty */
    size_t count;
} nameset_t;

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Returns 1 and inserts when the name is new, 0 when it is taken. The set
 * stores str_t values that point into the pool (it owns nothing). */
static int nameset_add(nameset_t *set, str_t name)
{
    size_t mask = ((size_t)1 << NAMESET_BITS) - 1;
    size_t i = (size_t)hash_bytes(name.s, name.n) & mask;

    while (set->slots[i].s != NULL) {
        if (set->slots[i].n == name.n && memcmp(set->slots[i].s, name.s, name.n) == 0)
            return 0;
        i = (i + 1) & mask;
    }
    if (set->count * 4 >= mask * 3) {
        fputs("gencorpus: name set full\n", stderr);
        exit(1);
    }
    set->slots[i] = name;
    set->count++;
    return 1;
}

static int nameset_has(const nameset_t *set, const char *s, size_t n)
{
    size_t mask = ((size_t)1 << NAMESET_BITS) - 1;
    size_t i = (size_t)hash_bytes(s, n) & mask;

    while (set->slots[i].s != NULL) {
        if (set->slots[i].n == n && memcmp(set->slots[i].s, s, n) == 0)
            return 1;
        i = (i + 1) & mask;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Zipf sampling with Walker/Vose alias tables, in integers only.     */

typedef struct {
    uint32_t keep;  /* keep bucket i when u < keep, u uniform in [0,total) */
    uint32_t alias; /* otherwise take alias */
} alias_cell_t;

typedef struct {
    uint32_t n;
    uint64_t total; /* sum of weights; below 2^32 */
    alias_cell_t *cell;
} alias_t;

/* Weight of rank r (0-based) is floor(2^27 * 10 / (10 r + q10)): Zipf with
 * exponent 1 and a Mandelbrot offset of q10 / 10. */
static void alias_build_zipf(alias_t *t, uint32_t n, uint32_t q10)
{
    uint64_t *scaled = malloc((size_t)n * sizeof *scaled);
    uint32_t *small = malloc((size_t)n * sizeof *small);
    uint32_t *large = malloc((size_t)n * sizeof *large);
    uint32_t ns = 0, nl = 0, i;

    t->n = n;
    t->cell = malloc((size_t)n * sizeof *t->cell);
    if (!scaled || !small || !large || !t->cell)
        die_oom();
    t->total = 0;
    for (i = 0; i < n; i++) {
        scaled[i] = ((uint64_t)1 << 27) * 10 / ((uint64_t)i * 10 + q10);
        if (scaled[i] == 0)
            scaled[i] = 1;
        t->total += scaled[i];
    }
    if (t->total >= ((uint64_t)1 << 32)) {
        fputs("gencorpus: alias table too large\n", stderr);
        exit(1);
    }
    /* Each bucket holds `total`; item i brings weight * n. */
    for (i = 0; i < n; i++) {
        scaled[i] *= n;
        if (scaled[i] < t->total)
            small[ns++] = i;
        else
            large[nl++] = i;
    }
    while (ns > 0 && nl > 0) {
        uint32_t s = small[--ns];
        uint32_t l = large[nl - 1];

        t->cell[s].keep = (uint32_t)scaled[s];
        t->cell[s].alias = l;
        scaled[l] -= t->total - scaled[s];
        if (scaled[l] < t->total) {
            nl--;
            small[ns++] = l;
        }
    }
    while (nl > 0) {
        uint32_t l = large[--nl];
        t->cell[l].keep = UINT32_MAX;
        t->cell[l].alias = l;
    }
    while (ns > 0) { /* only reachable through rounding */
        uint32_t s = small[--ns];
        t->cell[s].keep = UINT32_MAX;
        t->cell[s].alias = s;
    }
    free(scaled);
    free(small);
    free(large);
}

static inline uint32_t alias_sample(const alias_t *t, rng_t *r)
{
    uint64_t x = rng_next(r);
    uint32_t i = (uint32_t)(((x >> 32) * (uint64_t)t->n) >> 32);
    uint64_t u = ((x & 0xffffffffULL) * t->total) >> 32;
    alias_cell_t c = t->cell[i];

    return u < c.keep ? i : c.alias;
}

static void alias_free(alias_t *t)
{
    free(t->cell);
}

/* ------------------------------------------------------------------ */
/* Calendar arithmetic on days since 1970-01-01 (proleptic Gregorian). */

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Days from 1970-01-01 to January 1 of year y (y >= 1970). */
static int64_t days_before_year(int64_t y)
{
    int64_t p = y - 1;
    int64_t leaps = p / 4 - p / 100 + p / 400 - (1969 / 4 - 1969 / 100 + 1969 / 400);

    return 365 * (y - 1970) + leaps;
}

/* Dates before 1970 are not needed; the caller validates the range. */
static int64_t days_from_date(int64_t y, int m, int d)
{
    int64_t days = days_before_year(y);
    int mm;

    for (mm = 1; mm < m; mm++)
        days += days_in_month(y, mm);
    return days + d - 1;
}

typedef struct {
    int64_t year;
    int month, day, weekday; /* weekday 0 = Sunday */
} date_t;

static date_t date_from_days(int64_t days)
{
    date_t dt;
    int64_t y = 1970;
    int m = 1;

    dt.weekday = (int)((days % 7 + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
    if (days < 0)
        days = 0; /* not reached: dates start in 1970 */
    y = 1970 + days / 366;
    while (days_before_year(y + 1) <= days)
        y++;
    days -= days_before_year(y);
    while (days >= days_in_month(y, m)) {
        days -= days_in_month(y, m);
        m++;
    }
    dt.year = y;
    dt.month = m;
    dt.day = (int)days + 1;
    return dt;
}

static const char *const month_names[12] = {
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"};
static const char *const weekday_names[7] = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

/* ------------------------------------------------------------------ */
/* Word and name material (all written for this project).             */

/* Real English words placed at the top Zipf ranks, most frequent first:
 * function words, then words common in news copy. Duplicates are skipped. */
static const char *const common_words[] = {
    "the", "of", "and", "to", "a", "in", "that", "is", "for", "on", "said",
    "it", "with", "was", "as", "by", "at", "he", "be", "from", "his", "have",
    "has", "are", "an", "not", "will", "this", "they", "but", "who", "had",
    "were", "their", "after", "been", "would", "its", "which", "more", "she",
    "also", "her", "we", "about", "one", "new", "there", "when", "year", "or",
    "two", "up", "out", "than", "all", "people", "over", "government", "last",
    "first", "other", "into", "can", "could", "some", "if", "told", "what",
    "no", "time", "years", "three", "so", "our", "against", "them", "do",
    "police", "state", "before", "president", "while", "many", "should",
    "since", "just", "during", "because", "only", "most", "him", "where",
    "now", "those", "under", "between", "being", "week", "world", "country",
    "four", "five", "officials", "minister", "did", "may", "both", "any",
    "back", "city", "still", "such", "own", "well", "way", "made", "make",
    "day", "even", "then", "through", "these", "off", "how", "down", "percent",
    "according", "public", "million", "security", "including", "former",
    "national", "another", "support", "court", "group", "part", "next",
    "report", "however", "party", "law", "children", "military", "second",
    "found", "added", "local", "political", "foreign", "further", "without",
    "months", "women", "money", "around", "house", "called", "among", "power",
    "several", "end", "across", "expected", "work", "least", "health", "left",
    "long", "decision", "plan", "held", "later", "very", "economic", "take",
    "until", "each", "already", "high", "based", "major", "every", "service",
    "office", "few", "much", "family", "says", "show", "same", "took",
    "recent", "need", "does", "come", "help", "know", "whether", "go",
    "school", "almost", "early", "deal", "set", "lot", "far", "likely",
    "though", "say", "past", "although", "often", "want", "open", "meeting",
    "issue", "spokesman", "statement", "case", "leader", "agency", "forces",
    "move", "vote", "region", "talks", "election", "control", "rights",
    "army", "bank", "prices", "market", "energy", "trade", "growth", "budget",
    "tax", "workers", "war", "peace", "attack", "crisis", "measures",
    "proposal", "agreement", "hospital", "town", "border", "troops",
    "ministers", "leaders", "sources", "residents", "official", "media",
    "weeks", "days", "hours", "night", "morning", "again", "never", "always",
    "think", "asked", "believe", "continue", "began", "remain", "announced",
    "reported", "noted", "billion", "companies", "company", "central",
    "council", "plans", "million", "data", "increase", "higher", "lower",
    "side", "talk", "help", "members", "parliament", "opposition", "funding",
    "critics", "investigation", "authorities", "process", "reform",
    "services", "action", "risk", "general", "policy", "system", "cost",
    "costs", "role", "term", "future", "number", "level", "point", "change",
    "political", "response", "efforts", "aid", "shortage", "result", "rules",
    "sector", "campaign", "strike", "supply", "demand", "rate", "rates",
    "interest", "inflation", "figures", "team", "evidence", "claims",
    "federal", "regional", "international", "foreign", "private",
    "emergency", "operation", "protest", "protests", "negotiations", "draft",
    "bill", "court", "ruling", "appeal", "judge", "charges", "trial", NULL};

static const char *const onsets[] = {
    "", "b", "br", "c", "ch", "d", "dr", "f", "fl", "g", "gr", "h", "j", "k",
    "kr", "l", "m", "n", "p", "pl", "pr", "r", "s", "sh", "sk", "sl", "st",
    "t", "th", "tr", "v", "w", "z"};
static const char *const nuclei[] = {
    "a", "e", "i", "o", "u", "a", "e", "o", "ai", "ea", "ee", "oo", "ou", "ie"};
static const char *const codas[] = {
    "", "", "", "n", "r", "s", "l", "t", "m", "nd", "nt", "st", "rk", "ck",
    "ng", "x"};

/* Name syllables: softer, so names read like names. */
static const char *const name_onsets[] = {
    "b", "d", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br",
    "dr", "kr", "st", "tr", "h", "j", "f", "sv", "mar", "al", "el", "or"};
static const char *const name_nuclei[] = {"a", "e", "i", "o", "u", "a", "e", "ia", "ei"};
static const char *const name_codas[] = {"", "", "", "n", "r", "l", "s", "m", "v", "d"};
static const char *const female_endings[] = {"a", "ina", "ena", "ia", "ka", "ja", "elle", "ara"};
static const char *const male_endings[] = {"", "o", "an", "ek", "ir", "as", "en", "or", "im", "us"};
static const char *const surname_endings[] = {
    "ov", "ev", "enko", "ski", "sky", "ak", "ik", "ic", "ovic", "an", "ian",
    "yan", "sen", "son", "berg", "al", "el", "ez", "es", "escu", "idis",
    "ou", "ani", "er", "ić", "ová", "ák", "ész", "ör", "uk"};

static const char *const country_endings[] = {
    "ia", "ovia", "aria", "enia", "land", "istan", "ar", "ora", "esh", "ana"};
static const char *const region_endings[] = {
    "ia", "a", "en", "ar", "ovo", "ska", "ine", "ura", "ath", "eld"};
static const char *const city_endings[] = {
    "esk", "grad", "ov", "burg", "ville", "polis", "ica", "ino", "ton",
    "stad", "mouth", "ford", "ak", "ets", "ara", "heim", "", ""};
static const char *const city_prefixes[] = {"Port ", "New ", "Upper ", "Saint ", "Lake "};

typedef struct {
    const char *title;    /* written before the name, or NULL */
    const char *apposite; /* ", the finance minister," */
    uint32_t weight;
} role_t;

static const role_t roles[] = {
    {"President", "the president", 1},
    {"Prime Minister", "the prime minister", 1},
    {"Finance Minister", "the finance minister", 3},
    {"Foreign Minister", "the foreign minister", 3},
    {"Defence Minister", "the defence minister", 3},
    {"Health Minister", "the health minister", 3},
    {"Energy Minister", "the energy minister", 3},
    {"Interior Minister", "the interior minister", 2},
    {"Senator", "a senator", 8},
    {"Governor", "the regional governor", 6},
    {"Mayor", "the mayor", 8},
    {"General", "a senior army commander", 4},
    {"Judge", "a high court judge", 3},
    {"Ambassador", "the ambassador", 3},
    {"Professor", "a professor of economics", 3},
    {NULL, "an economist", 6},
    {NULL, "a government spokesperson", 8},
    {NULL, "an opposition lawmaker", 8},
    {NULL, "a political analyst", 6},
    {NULL, "a union leader", 4},
    {NULL, "the chief executive", 6},
    {NULL, "a local councillor", 5},
    {NULL, "a human rights lawyer", 3},
    {NULL, "a police spokesperson", 3},
};

static const char *const ministry_domains[] = {
    "Finance", "Defence", "Health", "Energy", "Justice", "Education",
    "Transport", "Agriculture", "Interior", "Foreign Affairs", "Labour",
    "Environment", "Culture", "Digital Affairs", "Housing"};
static const char *const acro_adjectives[] = {
    "National", "Northern", "United", "Federal", "International", "Central",
    "Independent", "Eastern", "Western", "Southern", "Democratic",
    "Progressive", "Free", "Popular", "Royal"};
static const char *const acro_domains[] = {
    "Energy", "Trade", "Health", "Workers", "Farmers", "Transport",
    "Security", "Maritime", "Water", "Mining", "Press", "Justice",
    "Development", "Reform", "Unity", "Labour", "Citizens", "Rail"};
static const char *const acro_bodies[] = {
    "Agency", "Alliance", "Union", "Commission", "Authority", "Federation",
    "Institute", "Council", "Party", "Front", "Association", "Board",
    "Movement", "League"};
static const char *const company_kinds[] = {
    "Group", "Holdings", "Energy", "Airlines", "Telecom", "Motors", "Steel",
    "Bank", "Capital", "Logistics", "Pharma", "Foods"};

static const char *const headline_verbs[] = {
    "says", "warns", "rejects", "backs", "signs", "faces", "wins", "loses",
    "plans", "seeks", "defends", "criticises", "announces", "approves",
    "blocks", "delays", "unveils", "urges", "denies", "confirms", "hails",
    "questions", "proposes", "extends", "cuts", "raises", "launches", "ends",
    "resumes", "suspends"};
static const char *const headline_preps[] = {"in", "over", "after", "amid", "for", "as"};
static const char *const speech_verbs[] = {
    "said", "said", "said", "told reporters", "announced", "warned", "added",
    "said on social media", "confirmed"};

/* Relative weight of each publication hour (UTC). */
static const uint32_t hour_weights[24] = {
    2, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 10, 9, 9, 10, 10, 9, 8, 7, 6, 5, 4, 3, 3};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(r, a) ((a)[rng_below((r), (uint32_t)COUNT(a))])

/* ------------------------------------------------------------------ */
/* The world: vocabulary, entities and sources.                        */

#define N_PSEUDO_WORDS 50000
#define MAX_WORD 15 /* longest vocabulary word, bytes (one 16-byte cell) */
#define N_PERSONS 3000
#define N_COUNTRIES 120
#define N_REGIONS 330
#define N_CITIES 1050
#define N_PLACES (N_COUNTRIES + N_REGIONS + N_CITIES)
#define N_ORGS 800
#define N_SOURCES 200
#define N_TOPICAL 20
#define MAX_CAST 6

enum { ENT_PERSON, ENT_PLACE, ENT_ORG };
enum { PLACE_COUNTRY, PLACE_REGION, PLACE_CITY };

typedef struct {
    str_t first, last;
    int female;
    uint32_t role; /* index into roles[] */
} person_t;

typedef struct {
    str_t name;
    int kind;     /* PLACE_* */
    int style;    /* regions: 0 "the X region", 1 "X Province", 2 "the X Valley" */
    uint32_t parent; /* city -> region, region -> country */
} place_t;

typedef struct {
    str_t name;
    str_t acronym; /* n == 0 when none */
    int the;       /* written with "the" */
} org_t;

typedef struct {
    str_t name, site;
    int honorific; /* uses "Mr."/"Ms." on later mentions */
} source_t;

typedef struct {
    pool_t pool;
    nameset_t names;
    str_t *words; /* common words first, then pseudo-words */
    char (*wordtab)[16];  /* the same words in NUL-padded 16-byte cells */
    unsigned char *wordlen; /* their lengths */
    uint32_t nwords, ncommon;
    alias_t word_zipf;    /* over all words */
    alias_t content_zipf; /* over pseudo-words only (headlines) */
    person_t persons[N_PERSONS];
    place_t places[N_PLACES];
    uint32_t place_rank[N_PLACES]; /* popularity rank -> place index */
    org_t orgs[N_ORGS];
    source_t sources[N_SOURCES];
    alias_t person_zipf, place_zipf, org_zipf, source_zipf;
    uint32_t role_total;
} world_t;

static void capitalize(char *s)
{
    if (s[0] >= 'a' && s[0] <= 'z')
        s[0] = (char)(s[0] - 'a' + 'A');
}

/* Append src to dst[*len] within cap (always NUL-terminated, truncating). */
static void cat(char *dst, size_t cap, size_t *len, const char *src)
{
    size_t n = strlen(src);

    if (*len + n + 1 > cap)
        n = cap - *len - 1;
    memcpy(dst + *len, src, n);
    *len += n;
    dst[*len] = '\0';
}

/* Adds a name to the pool if no other name has it; returns n == 0 if taken. */
static str_t world_intern(world_t *w, const char *s)
{
    str_t none = {NULL, 0};
    str_t name;
    size_t n = strlen(s);

    if (nameset_has(&w->names, s, n))
        return none;
    name = pool_dup(&w->pool, s, n);
    nameset_add(&w->names, name);
    return name;
}

static void make_pseudo_word(rng_t *r, uint32_t syllables, char *out, size_t cap)
{
    size_t len = 0;
    uint32_t i;

    out[0] = '\0';
    for (i = 0; i < syllables; i++) {
        const char *on = PICK(r, onsets);
        if (i > 0 && on[0] == '\0')
            on = "l";
        cat(out, cap, &len, on);
        cat(out, cap, &len, PICK(r, nuclei));
        if (i + 1 == syllables || rng_chance(r, 150))
            cat(out, cap, &len, PICK(r, codas));
    }
}

static void make_name_root(rng_t *r, uint32_t syllables, char *out, size_t cap)
{
    size_t len = 0;
    uint32_t i;

    out[0] = '\0';
    for (i = 0; i < syllables; i++) {
        cat(out, cap, &len, PICK(r, name_onsets));
        cat(out, cap, &len, PICK(r, name_nuclei));
        if (rng_chance(r, 250))
            cat(out, cap, &len, PICK(r, name_codas));
    }
    capitalize(out);
}

static void world_build_vocabulary(world_t *w, rng_t *r)
{
    char tmp[64];
    uint32_t i;

    w->words = malloc((COUNT(common_words) + N_PSEUDO_WORDS) * sizeof *w->words);
    if (w->words == NULL)
        die_oom();
    w->nwords = 0;
    for (i = 0; common_words[i] != NULL; i++) {
        str_t s = world_intern(w, common_words[i]);
        if (s.n > 0)
            w->words[w->nwords++] = s;
    }
    w->ncommon = w->nwords;
    while (w->nwords < w->ncommon + N_PSEUDO_WORDS) {
        uint32_t rank = w->nwords - w->ncommon;
        /* Frequent words are short (Zipf's law of abbreviation). */
        uint32_t syl = rank < 2000 ? 1 + rng_below(r, 2)
                     : 2 + rng_below(r, 2);
        str_t s;

        make_pseudo_word(r, syl, tmp, sizeof tmp);
        if (strlen(tmp) < 3 || strlen(tmp) > MAX_WORD)
            continue;
        s = world_intern(w, tmp);
        if (s.n > 0)
            w->words[w->nwords++] = s;
    }
    w->wordtab = aligned_alloc(64, ((size_t)w->nwords + 3) / 4 * 4 * sizeof *w->wordtab);
    w->wordlen = malloc(w->nwords);
    if (w->wordtab == NULL || w->wordlen == NULL)
        die_oom();
    memset(w->wordtab, 0, (size_t)w->nwords * sizeof *w->wordtab);
    for (i = 0; i < w->nwords; i++) {
        if (w->words[i].n > MAX_WORD) {
            fprintf(stderr, "gencorpus: word '%s' longer than %d bytes\n", w->words[i].s, MAX_WORD);
            exit(1);
        }
        memcpy(w->wordtab[i], w->words[i].s, w->words[i].n);
        w->wordlen[i] = (unsigned char)w->words[i].n;
    }
    alias_build_zipf(&w->word_zipf, w->nwords, 17);
    alias_build_zipf(&w->content_zipf, N_PSEUDO_WORDS, 100);
}

static void world_build_persons(world_t *w, rng_t *r)
{
    char first[64], last[64], full[160];
    uint32_t i, total = 0;

    for (i = 0; i < COUNT(roles); i++)
        total += roles[i].weight;
    w->role_total = total;
    for (i = 0; i < N_PERSONS;) {
        person_t *p = &w->persons[i];
        size_t len;
        str_t sl;
        uint32_t pick, k;

        p->female = rng_chance(r, 450);
        make_name_root(r, 1 + rng_below(r, 2), first, sizeof first - 8);
        len = strlen(first);
        cat(first, sizeof first, &len, p->female ? PICK(r, female_endings)
                                                 : PICK(r, male_endings));
        make_name_root(r, 1 + rng_below(r, 2), last, sizeof last - 8);
        len = strlen(last);
        cat(last, sizeof last, &len, PICK(r, surname_endings));
        if (strlen(first) < 3 || strlen(last) < 4)
            continue;
        /* Surnames are unique so that "Koval" names one person. */
        sl = world_intern(w, last);
        if (sl.n == 0)
            continue;
        p->last = sl;
        p->first = pool_dup(&w->pool, first, strlen(first));
        len = 0;
        full[0] = '\0';
        cat(full, sizeof full, &len, first);
        cat(full, sizeof full, &len, " ");
        cat(full, sizeof full, &len, last);
        world_intern(w, full);
        pick = rng_below(r, total);
        for (k = 0; k < COUNT(roles) - 1 && pick >= roles[k].weight; k++)
            pick -= roles[k].weight;
        p->role = k;
        i++;
    }
    alias_build_zipf(&w->person_zipf, N_PERSONS, 30);
}

static void world_build_places(world_t *w, rng_t *r)
{
    char root[64], name[96];
    uint32_t i, j;

    for (i = 0; i < N_PLACES;) {
        place_t *pl = &w->places[i];
        size_t len;
        str_t s;

        make_name_root(r, 1 + rng_below(r, 2), root, sizeof root);
        len = 0;
        name[0] = '\0';
        if (i < N_COUNTRIES) {
            pl->kind = PLACE_COUNTRY;
            pl->parent = i;
            cat(name, sizeof name, &len, root);
            cat(name, sizeof name, &len, PICK(r, country_endings));
        } else if (i < N_COUNTRIES + N_REGIONS) {
            pl->kind = PLACE_REGION;
            pl->parent = rng_below(r, N_COUNTRIES);
            pl->style = (int)rng_below(r, 3);
            cat(name, sizeof name, &len, root);
            cat(name, sizeof name, &len, PICK(r, region_endings));
        } else {
            pl->kind = PLACE_CITY;
            pl->parent = N_COUNTRIES + rng_below(r, N_REGIONS);
            if (rng_chance(r, 100))
                cat(name, sizeof name, &len, PICK(r, city_prefixes));
            cat(name, sizeof name, &len, root);
            cat(name, sizeof name, &len, PICK(r, city_endings));
        }
        if (len < 4)
            continue;
        s = world_intern(w, name);
        if (s.n == 0)
            continue;
        pl->name = s;
        i++;
    }
    /* Popularity is independent of kind: shuffle a rank table. */
    for (i = 0; i < N_PLACES; i++)
        w->place_rank[i] = i;
    for (i = N_PLACES - 1; i > 0; i--) {
        uint32_t t;
        j = rng_below(r, i + 1);
        t = w->place_rank[i];
        w->place_rank[i] = w->place_rank[j];
        w->place_rank[j] = t;
    }
    alias_build_zipf(&w->place_zipf, N_PLACES, 20);
}

/* "Kelvaria" -> "Kelvarian", "Drovland" -> "Drovlandian". */
static void demonym(const char *country, char *out, size_t cap)
{
    size_t len = 0, n = strlen(country);

    out[0] = '\0';
    cat(out, cap, &len, country);
    if (n > 0 && country[n - 1] == 'a')
        cat(out, cap, &len, "n");
    else if (n > 0 && strchr("eiou", country[n - 1]) != NULL)
        cat(out, cap, &len, "an");
    else
        cat(out, cap, &len, "ian");
}

static void world_build_orgs(world_t *w, rng_t *r)
{
    char name[160], acro[16], tmp[96];
    uint32_t i;

    for (i = 0; i < N_ORGS;) {
        org_t *o = &w->orgs[i];
        uint32_t kind = rng_below(r, 100);
        size_t len = 0, alen = 0;
        str_t s;

        name[0] = '\0';
        acro[0] = '\0';
        o->the = 1;
        if (kind < 20) {
            demonym(w->places[rng_below(r, N_COUNTRIES)].name.s, tmp, sizeof tmp);
            cat(name, sizeof name, &len, tmp);
            cat(name, sizeof name, &len, " Ministry of ");
            cat(name, sizeof name, &len, PICK(r, ministry_domains));
        } else if (kind < 35) {
            const place_t *pl = &w->places[N_COUNTRIES + rng_below(r, N_REGIONS + N_CITIES)];
            cat(name, sizeof name, &len, pl->name.s);
            cat(name, sizeof name, &len, pl->kind == PLACE_CITY ? " City Council" : " Regional Council");
        } else if (kind < 42) {
            const char *country = w->places[rng_below(r, N_COUNTRIES)].name.s;
            if (rng_chance(r, 500)) {
                cat(name, sizeof name, &len, "Bank of ");
                cat(name, sizeof name, &len, country);
            } else {
                cat(name, sizeof name, &len, country);
                cat(name, sizeof name, &len, " National Bank");
            }
        } else if (kind < 72) {
            make_name_root(r, 2, tmp, sizeof tmp);
            cat(name, sizeof name, &len, tmp);
            cat(name, sizeof name, &len, " ");
            cat(name, sizeof name, &len, PICK(r, company_kinds));
            o->the = 0;
        } else if (kind < 95) {
            const char *parts[3];
            uint32_t k;

            parts[0] = PICK(r, acro_adjectives);
            parts[1] = PICK(r, acro_domains);
            parts[2] = PICK(r, acro_bodies);
            for (k = 0; k < 3; k++) {
                char letter[2] = {parts[k][0], '\0'};
                if (k > 0)
                    cat(name, sizeof name, &len, " ");
                cat(name, sizeof name, &len, parts[k]);
                cat(acro, sizeof acro, &alen, letter);
            }
            if (nameset_has(&w->names, acro, alen))
                continue;
        } else {
            cat(name, sizeof name, &len, "University of ");
            cat(name, sizeof name, &len, w->places[N_COUNTRIES + N_REGIONS + rng_below(r, N_CITIES)].name.s);
        }
        s = world_intern(w, name);
        if (s.n == 0)
            continue;
        o->name = s;
        o->acronym.s = NULL;
        o->acronym.n = 0;
        if (alen > 0)
            o->acronym = world_intern(w, acro);
        i++;
    }
    alias_build_zipf(&w->org_zipf, N_ORGS, 30);
}

static void world_build_sources(world_t *w, rng_t *r)
{
    static const char *const city_papers[] = {
        "Herald", "Times", "Post", "Tribune", "Courier", "Chronicle",
        "Evening News", "Gazette", "Observer", "Independent"};
    static const char *const country_outlets[] = {
        "Daily", "Today", "Radio", "Broadcasting", "Press Agency", "Monitor"};
    char name[160], site[160];
    uint32_t i;

    for (i = 0; i < N_SOURCES;) {
        source_t *so = &w->sources[i];
        uint32_t kind = rng_below(r, 100);
        size_t len = 0, slen = 0, k;
        str_t s;

        name[0] = '\0';
        if (kind < 55) {
            const place_t *pl = &w->places[N_COUNTRIES + N_REGIONS + rng_below(r, N_CITIES)];
            if (rng_chance(r, 600))
                cat(name, sizeof name, &len, "The ");
            cat(name, sizeof name, &len, pl->name.s);
            cat(name, sizeof name, &len, " ");
            cat(name, sizeof name, &len, PICK(r, city_papers));
        } else if (kind < 80) {
            cat(name, sizeof name, &len, w->places[rng_below(r, N_COUNTRIES)].name.s);
            cat(name, sizeof name, &len, " ");
            cat(name, sizeof name, &len, PICK(r, country_outlets));
        } else {
            char root[64];
            make_name_root(r, 2, root, sizeof root);
            cat(name, sizeof name, &len, root);
            cat(name, sizeof name, &len, rng_chance(r, 500) ? " News" : " Wire");
        }
        /* site: lower-case letters of the name without "The", + .example */
        for (k = (strncmp(name, "The ", 4) == 0 ? 4 : 0); k < len && slen + 10 < sizeof site; k++) {
            char c = name[k];
            if (c >= 'A' && c <= 'Z')
                site[slen++] = (char)(c - 'A' + 'a');
            else if (c >= 'a' && c <= 'z')
                site[slen++] = c;
        }
        site[slen] = '\0';
        cat(site, sizeof site, &slen, ".example");
        if (nameset_has(&w->names, site, slen))
            continue;
        s = world_intern(w, name);
        if (s.n == 0)
            continue;
        so->name = s;
        so->site = world_intern(w, site);
        so->honorific = rng_chance(r, 300);
        i++;
    }
    alias_build_zipf(&w->source_zipf, N_SOURCES, 20);
}

static void world_build(world_t *w, uint64_t seed)
{
    rng_t r;

    memset(w, 0, sizeof *w);
    w->names.slots = calloc((size_t)1 << NAMESET_BITS, sizeof *w->names.slots);
    if (w->names.slots == NULL)
        die_oom();
    rng_seed(&r, seed ^ 0x776f726c64ULL);
    world_build_vocabulary(w, &r);
    world_build_persons(w, &r);
    world_build_places(w, &r);
    world_build_orgs(w, &r);
    world_build_sources(w, &r);
}

static void world_free(world_t *w)
{
    alias_free(&w->word_zipf);
    alias_free(&w->content_zipf);
    alias_free(&w->person_zipf);
    alias_free(&w->place_zipf);
    alias_free(&w->org_zipf);
    alias_free(&w->source_zipf);
    free(w->words);
    free(w->wordtab);
    free(w->wordlen);
    free(w->names.slots);
    pool_free(&w->pool);
}

/* ------------------------------------------------------------------ */
/* Stories and the schedule of articles.                               */

typedef struct {
    uint8_t kind;
    uint32_t idx;
} ent_t;

typedef struct {
    ent_t cast[MAX_CAST];
    int ncast;
    uint32_t topical[N_TOPICAL]; /* word indexes */
    uint32_t remaining;          /* articles not yet written */
    uint64_t serial;             /* 1, 2, ...: the story's label in --truth */
} story_t;

/* One article waiting to be written. Articles leave the heap in (key, seq)
 * order; key is the publication minute, or later for late imports. */
typedef struct {
    int64_t key;
    uint64_t seq;
    int64_t published; /* minutes since the epoch */
    int64_t text_time; /* the original's publication minute */
    uint64_t text_seed;
    uint64_t edit_seed; /* 0 for an original, else a syndicated copy */
    story_t *story;
    uint32_t source, text_source;
} slot_t;

typedef struct {
    slot_t *a;
    size_t n, cap;
} heap_t;

static int slot_before(const slot_t *x, const slot_t *y)
{
    return x->key < y->key || (x->key == y->key && x->seq < y->seq);
}

static void heap_push(heap_t *h, const slot_t *s)
{
    size_t i;

    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 1024;
        slot_t *a = realloc(h->a, cap * sizeof *a);
        if (a == NULL)
            die_oom();
        h->a = a;
        h->cap = cap;
    }
    i = h->n++;
    while (i > 0 && slot_before(s, &h->a[(i - 1) / 2])) {
        h->a[i] = h->a[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->a[i] = *s;
}

static slot_t heap_pop(heap_t *h)
{
    slot_t top = h->a[0], last = h->a[--h->n];
    size_t i = 0;

    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && slot_before(&h->a[c + 1], &h->a[c]))
            c++;
        if (!slot_before(&h->a[c], &last))
            break;
        h->a[i] = h->a[c];
        i = c;
    }
    if (h->n > 0)
        h->a[i] = last;
    return top;
}

/* ------------------------------------------------------------------ */
/* Writing one article.                                                */

#define MAX_SEEN 64
#define WORD_BATCH 64
#define MAX_RECORDED 40

typedef struct {
    const world_t *w;
    const story_t *st;
    rng_t rng;
    int honorific;
    int64_t text_time;
    ent_t seen[MAX_SEEN];
    int nseen;
    buf_t *body;
    int tokens;       /* tokens in the current sentence */
    int cap_next;     /* capitalise the next token */
    int open_quote;   /* put '"' before the next token */
    int recording;    /* remember plain-word positions (first sentence) */
    size_t rec_off[MAX_RECORDED];
    uint32_t rec_len[MAX_RECORDED];
    int nrec;
    long body_words;
    /* Words chosen ahead in batches (see refill_words). */
    uint32_t wq[WORD_BATCH];
    unsigned char wq_comma[WORD_BATCH];
    int wq_pos, wq_len;
} art_t;

static int ent_equal(ent_t a, ent_t b)
{
    return a.kind == b.kind && a.idx == b.idx;
}

static int art_seen(const art_t *a, ent_t e)
{
    int i;

    for (i = 0; i < a->nseen; i++)
        if (ent_equal(a->seen[i], e))
            return 1;
    return 0;
}

static void art_mark_seen(art_t *a, ent_t e)
{
    if (!art_seen(a, e) && a->nseen < MAX_SEEN)
        a->seen[a->nseen++] = e;
}

static int count_tokens(const char *s)
{
    int n = 1;

    for (; *s; s++)
        if (*s == ' ')
            n++;
    return n;
}

/* Writes a token (or a phrase of ntok tokens) to the body, with the space,
 * capital and opening quote the sentence needs. */
static void put_text(art_t *a, const char *s, size_t n, int ntok, int plain)
{
    buf_t *b = a->body;

    if (a->tokens > 0)
        buf_putc(b, ' ');
    if (a->open_quote) {
        buf_putc(b, '"');
        a->open_quote = 0;
    }
    if (plain && a->recording && !a->cap_next && a->nrec < MAX_RECORDED) {
        a->rec_off[a->nrec] = b->len;
        a->rec_len[a->nrec] = (uint32_t)n;
        a->nrec++;
    }
    buf_put(b, s, n);
    if (a->cap_next) {
        char *c = b->p + b->len - n;
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
        a->cap_next = 0;
    }
    a->tokens += ntok;
}

static void put_phrase(art_t *a, const char *s)
{
    put_text(a, s, strlen(s), count_tokens(s), 0);
}

static uint32_t pick_topical(art_t *a)
{
    uint32_t i = rng_below(&a->rng, N_TOPICAL), j = rng_below(&a->rng, N_TOPICAL);
    return a->st->topical[i < j ? i : j];
}

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* Chooses the next WORD_BATCH words: each is 6% a story topical word, else
 * Zipf over the whole vocabulary; each may take a comma (5%). Choosing in
 * batches lets the CPU overlap the cache misses of the long tail of the
 * vocabulary (alias buckets, then word cells), which otherwise dominate the
 * run time. */
static void refill_words(art_t *a)
{
    const alias_t *t = &a->w->word_zipf;
    uint64_t xs[WORD_BATCH], ys[WORD_BATCH];
    int i;

    for (i = 0; i < WORD_BATCH; i++) {
        xs[i] = rng_next(&a->rng);
        ys[i] = rng_next(&a->rng);
        PREFETCH(&t->cell[((xs[i] >> 32) * (uint64_t)t->n) >> 32]);
    }
    for (i = 0; i < WORD_BATCH; i++) {
        uint32_t wi;
        if ((ys[i] & 1023) < 61) {
            wi = pick_topical(a);
        } else {
            uint32_t b = (uint32_t)(((xs[i] >> 32) * (uint64_t)t->n) >> 32);
            uint64_t u = ((xs[i] & 0xffffffffULL) * t->total) >> 32;
            wi = u < t->cell[b].keep ? b : t->cell[b].alias;
        }
        PREFETCH(a->w->wordtab[wi]);
        a->wq[i] = wi;
        a->wq_comma[i] = ((ys[i] >> 10) & 1023) < 51;
    }
    a->wq_pos = 0;
    a->wq_len = WORD_BATCH;
}

/* Writes one vocabulary word, with a comma sometimes unless it ends the
 * sentence. Words live in NUL-padded 16-byte cells, so the copy is one
 * fixed 16-byte move. */
static void put_word(art_t *a, int allow_comma)
{
    uint32_t wi;
    int comma;
    buf_t *b = a->body;

    if (a->wq_pos == a->wq_len)
        refill_words(a);
    wi = a->wq[a->wq_pos];
    comma = a->wq_comma[a->wq_pos];
    a->wq_pos++;

    if (a->cap_next || a->open_quote || a->recording) {
        str_t word = a->w->words[wi];
        put_text(a, word.s, word.n, 1, 1);
    } else {
        char *p;
        buf_reserve(b, 16 + 2);
        p = b->p + b->len;
        if (a->tokens > 0) {
            *p++ = ' ';
            b->len++;
        }
        memcpy(p, a->w->wordtab[wi], 16);
        b->len += a->w->wordlen[wi];
        a->tokens++;
    }
    if (allow_comma && comma)
        buf_putc(b, ',');
}

/* A number phrase such as "1,200", "3.5 percent", "$40 million". */
static void format_number(art_t *a, char *out, size_t cap)
{
    rng_t *r = &a->rng;
    uint32_t k = rng_below(r, 5);

    if (k == 0)
        snprintf(out, cap, "%u", 2 + rng_below(r, 98));
    else if (k == 1)
        snprintf(out, cap, "%u,%03u", 1 + rng_below(r, 40), rng_below(r, 1000));
    else if (k == 2)
        snprintf(out, cap, "%u.%u percent", rng_below(r, 20), rng_below(r, 10));
    else if (k == 3)
        snprintf(out, cap, "%u percent", 1 + rng_below(r, 99));
    else
        snprintf(out, cap, "$%u.%u %s", 1 + rng_below(r, 90), rng_below(r, 10),
                 rng_chance(r, 700) ? "million" : "billion");
}

/* A dated expression relative to the article's publication day, written
 * for the middle of a sentence ("on Tuesday"). */
static void format_date_expr(art_t *a, char *out, size_t cap)
{
    rng_t *r = &a->rng;
    int64_t day = a->text_time / 1440;
    uint32_t k = rng_below(r, 100);
    date_t now = date_from_days(day), then;

    if (k < 25) {
        uint32_t back = 1 + rng_below(r, 6);
        then = date_from_days(day - back);
        if (back == 1 && rng_chance(r, 300))
            snprintf(out, cap, "yesterday");
        else
            snprintf(out, cap, "on %s", weekday_names[then.weekday]);
    } else if (k < 50) {
        then = date_from_days(day - rng_below(r, 41));
        snprintf(out, cap, "on %s %d", month_names[then.month - 1], then.day);
    } else if (k < 60) {
        snprintf(out, cap, "last week");
    } else if (k < 68) {
        snprintf(out, cap, now.day > 7 ? "earlier this month" : "last month");
    } else if (k < 76) {
        snprintf(out, cap, "last month");
    } else if (k < 84) {
        then = date_from_days(day - 30 - rng_below(r, 270));
        snprintf(out, cap, "in %s", month_names[then.month - 1]);
    } else if (k < 92) {
        then = date_from_days(day - rng_below(r, 400));
        snprintf(out, cap, "on %s %d, %lld", month_names[then.month - 1],
                 then.day, (long long)then.year);
    } else {
        snprintf(out, cap, "on %s", weekday_names[now.weekday]);
    }
}

enum { AS_SUBJECT, AS_OBJECT, AS_HEADLINE };

static void place_phrase(const world_t *w, uint32_t idx, int first, rng_t *r,
                         char *out, size_t cap)
{
    const place_t *pl = &w->places[idx];

    if (pl->kind == PLACE_REGION) {
        if (pl->style == 0)
            snprintf(out, cap, "the %s region", pl->name.s);
        else if (pl->style == 1)
            snprintf(out, cap, "%s Province", pl->name.s);
        else
            snprintf(out, cap, "the %s Valley", pl->name.s);
    } else if (pl->kind == PLACE_CITY && first && rng_chance(r, 200)) {
        snprintf(out, cap, "the city of %s", pl->name.s);
    } else if (pl->kind == PLACE_CITY && first && rng_chance(r, 250)) {
        char region[128];
        place_phrase(w, pl->parent, 0, r, region, sizeof region);
        snprintf(out, cap, "%s, in %s,", pl->name.s, region);
    } else {
        snprintf(out, cap, "%s", pl->name.s);
    }
}

/* Formats how the article names entity e in the given position, without
 * marking it as mentioned. */
static void mention(art_t *a, ent_t e, int pos, char *out, size_t cap)
{
    const world_t *w = a->w;
    rng_t *r = &a->rng;
    int first = !art_seen(a, e);

    if (e.kind == ENT_PERSON) {
        const person_t *p = &w->persons[e.idx];
        const role_t *role = &roles[p->role];
        if (pos == AS_HEADLINE) {
            if (rng_chance(r, 700))
                snprintf(out, cap, "%s", p->last.s);
            else
                snprintf(out, cap, "%s %s", p->first.s, p->last.s);
        } else if (first || rng_chance(r, 40)) {
            uint32_t k = rng_below(r, 100);
            if (role->title != NULL && k < 45)
                snprintf(out, cap, "%s %s %s", role->title, p->first.s, p->last.s);
            else if (pos == AS_SUBJECT && k < 80)
                snprintf(out, cap, "%s %s, %s,", p->first.s, p->last.s, role->apposite);
            else
                snprintf(out, cap, "%s %s", p->first.s, p->last.s);
        } else if (a->honorific) {
            snprintf(out, cap, "%s %s", p->female ? "Ms." : "Mr.", p->last.s);
        } else {
            snprintf(out, cap, "%s", p->last.s);
        }
    } else if (e.kind == ENT_PLACE) {
        if (pos == AS_HEADLINE)
            snprintf(out, cap, "%s", w->places[e.idx].name.s);
        else
            place_phrase(w, e.idx, first, r, out, cap);
    } else {
        const org_t *o = &w->orgs[e.idx];
        if (pos == AS_HEADLINE)
            snprintf(out, cap, "%s", o->acronym.n > 0 ? o->acronym.s : o->name.s);
        else if (o->acronym.n > 0 && first)
            snprintf(out, cap, "the %s (%s)", o->name.s, o->acronym.s);
        else if (o->acronym.n > 0)
            snprintf(out, cap, "the %s", o->acronym.s);
        else
            snprintf(out, cap, "%s%s", o->the ? "the " : "", o->name.s);
    }
}

/* A cast member, the story's lead most often; kind_mask selects kinds. */
static int pick_cast(art_t *a, unsigned kind_mask, ent_t *out)
{
    const story_t *st = a->st;
    ent_t cand[MAX_CAST];
    int n = 0, i;

    for (i = 0; i < st->ncast; i++)
        if (kind_mask & (1u << st->cast[i].kind))
            cand[n++] = st->cast[i];
    if (n == 0)
        return 0;
    i = (int)rng_below(&a->rng, (uint32_t)n);
    i = (int)rng_below(&a->rng, (uint32_t)i + 1); /* skew towards the lead */
    *out = cand[i];
    return 1;
}

static ent_t pick_any_entity(art_t *a, int kind)
{
    ent_t e;

    e.kind = (uint8_t)kind;
    if (kind == ENT_PERSON)
        e.idx = alias_sample(&a->w->person_zipf, &a->rng);
    else if (kind == ENT_PLACE)
        e.idx = a->w->place_rank[alias_sample(&a->w->place_zipf, &a->rng)];
    else
        e.idx = alias_sample(&a->w->org_zipf, &a->rng);
    return e;
}

static void end_sentence(art_t *a)
{
    buf_t *b = a->body;

    if (b->len > 0 && b->p[b->len - 1] == ',')
        b->len--;
    buf_putc(b, '.');
    a->body_words += a->tokens;
}

#define MAX_INSERTS 3

typedef struct {
    char text[200];
    int ntok;
    int at;       /* write after this many plain words */
    int has_ent;
    ent_t ent;
} insert_t;

/* Writes a sentence of exactly L tokens (L >= 8). */
static void write_sentence(art_t *a, int L, int lead)
{
    rng_t *r = &a->rng;
    char subj[200], verb[40], opening[80];
    int have_subj = 0, have_open = 0, subj_tok = 0, open_tok = 0, verb_tok = 0;
    ent_t subj_ent = {0, 0};
    insert_t ins[MAX_INSERTS];
    int nins = 0, budget, words, i, k;

    a->tokens = 0;
    a->cap_next = 1;

    /* A quotation: "words words," Koval said. */
    if (!lead && rng_chance(r, 80) && pick_cast(a, 1u << ENT_PERSON | 1u << ENT_ORG, &subj_ent)) {
        mention(a, subj_ent, AS_OBJECT, subj, sizeof subj);
        subj_tok = count_tokens(subj);
        words = L - subj_tok - 1;
        if (words >= 4) {
            a->open_quote = 1;
            for (i = 0; i < words; i++)
                put_word(a, i + 1 < words);
            if (a->body->p[a->body->len - 1] == ',')
                a->body->len--;
            buf_puts(a->body, ",\"");
            put_phrase(a, subj);
            art_mark_seen(a, subj_ent);
            put_text(a, "said", 4, 1, 0);
            end_sentence(a);
            return;
        }
        subj_tok = 0; /* too short for a quotation: write a plain sentence */
    }

    if (lead || rng_chance(r, 250)) {
        if (pick_cast(a, 1u << ENT_PERSON | 1u << ENT_ORG, &subj_ent)) {
            mention(a, subj_ent, AS_SUBJECT, subj, sizeof subj);
            snprintf(verb, sizeof verb, "%s", PICK(r, speech_verbs));
            subj_tok = count_tokens(subj);
            verb_tok = count_tokens(verb);
            have_subj = 1;
        }
    }
    if (!have_subj && rng_chance(r, 40)) {
        format_date_expr(a, opening, sizeof opening);
        open_tok = count_tokens(opening);
        have_open = 1;
    }
    budget = L - 3 - subj_tok - verb_tok - open_tok;
    if (budget < 0) { /* cannot happen with L >= 8 and our phrases, but be safe */
        have_subj = have_open = 0;
        subj_tok = verb_tok = open_tok = 0;
        budget = L - 3;
    }

    /* Inserted phrases: a place, another entity, a date, a number. */
    for (k = 0; k < 4 && nins < MAX_INSERTS; k++) {
        insert_t *in = &ins[nins];
        ent_t e = {0, 0};
        int want;

        in->has_ent = 0;
        in->text[0] = '\0';
        if (k == 0) {
            want = lead ? 1 : rng_chance(r, 220);
            if (!want)
                continue;
            if (rng_chance(r, 850) ? !pick_cast(a, 1u << ENT_PLACE, &e) : 1)
                e = pick_any_entity(a, ENT_PLACE);
            memcpy(in->text, "in ", 3);
            mention(a, e, AS_OBJECT, in->text + 3, sizeof in->text - 3);
        } else if (k == 1) {
            if (!rng_chance(r, 220))
                continue;
            if (rng_chance(r, 750) ? !pick_cast(a, 1u << ENT_PERSON | 1u << ENT_ORG, &e) : 1)
                e = pick_any_entity(a, rng_chance(r, 550) ? ENT_PERSON : ENT_ORG);
            if (have_subj && ent_equal(e, subj_ent))
                continue;
            mention(a, e, AS_OBJECT, in->text, sizeof in->text);
        } else if (k == 2) {
            if (!(lead ? rng_chance(r, 450) : rng_chance(r, 90)) || have_open)
                continue;
            format_date_expr(a, in->text, sizeof in->text);
        } else {
            if (!rng_chance(r, 100))
                continue;
            format_number(a, in->text, sizeof in->text);
        }
        if (k <= 1) {
            if (nins > 0 && ins[0].has_ent && ent_equal(ins[0].ent, e))
                continue;
            in->has_ent = 1;
            in->ent = e;
        }
        in->ntok = count_tokens(in->text);
        if (in->ntok > budget)
            continue;
        budget -= in->ntok;
        nins++;
    }
    words = budget + 3;
    for (i = 0; i < nins; i++)
        ins[i].at = 1 + (int)rng_below(r, (uint32_t)words);

    if (have_open) {
        capitalize(opening);
        put_phrase(a, opening);
        buf_putc(a->body, ',');
    }
    if (have_subj) {
        put_phrase(a, subj);
        art_mark_seen(a, subj_ent);
        put_phrase(a, verb);
    }
    for (i = 0; i < words; i++) {
        put_word(a, i + 1 < words);
        for (k = 0; k < nins; k++) {
            if (ins[k].at != i + 1)
                continue;
            put_phrase(a, ins[k].text);
            if (ins[k].has_ent)
                art_mark_seen(a, ins[k].ent);
        }
    }
    end_sentence(a);
}

/* Writes a body of 500-800 words in paragraphs of 3-6 sentences; returns
 * the length of the first sentence. */
static size_t write_body(art_t *a)
{
    int target = 500 + (int)rng_below(&a->rng, 301);
    int written = 0, in_par = 0, par_len = 3 + (int)rng_below(&a->rng, 4);
    size_t first_end = 0;
    int lead = 1;

    a->body->len = 0;
    while (written < target) {
        int remaining = target - written;
        int L = lead ? 18 + (int)rng_below(&a->rng, 13) : 8 + (int)rng_below(&a->rng, 23);

        if (remaining - L < 8)
            L = remaining <= 30 ? remaining : remaining - 8;
        if (written > 0) {
            if (in_par == par_len) {
                buf_put(a->body, "\n\n", 2);
                in_par = 0;
                par_len = 3 + (int)rng_below(&a->rng, 4);
            } else {
                buf_putc(a->body, ' ');
            }
        }
        a->recording = lead;
        write_sentence(a, L, lead);
        a->recording = 0;
        if (lead)
            first_end = a->body->len;
        lead = 0;
        written += L;
        in_par++;
    }
    return first_end;
}

#define MAX_TITLE_TOKENS 16

typedef struct {
    char text[MAX_TITLE_TOKENS][160];
    int filler[MAX_TITLE_TOKENS]; /* 1 filler, 2 topical word, 0 other */
    int n;
} title_t;

static void title_add(title_t *t, const char *s, int filler)
{
    if (t->n < MAX_TITLE_TOKENS) {
        size_t len = 0;
        t->text[t->n][0] = '\0';
        cat(t->text[t->n], sizeof t->text[t->n], &len, s);
        t->filler[t->n] = filler;
        t->n++;
    }
}

/* A headline of 6-14 words naming a cast member and topical words. */
static void make_title(art_t *a, title_t *t)
{
    rng_t *r = &a->rng;
    const world_t *w = a->w;
    int target = 6 + (int)rng_below(r, 9);
    char lead[160], place[160];
    int lead_tok, place_tok = 0, rest, topical, i, k;
    ent_t e, pe;

    t->n = 0;
    e = a->st->cast[0];
    if (rng_chance(r, 300))
        pick_cast(a, 7u, &e);
    mention(a, e, AS_HEADLINE, lead, sizeof lead);
    lead_tok = count_tokens(lead);
    place[0] = '\0';
    if (e.kind != ENT_PLACE && rng_chance(r, 400) && pick_cast(a, 1u << ENT_PLACE, &pe)) {
        snprintf(place, sizeof place, "%s %s", PICK(r, headline_preps), w->places[pe.idx].name.s);
        place_tok = count_tokens(place);
    }
    rest = target - lead_tok - 1 - place_tok;
    if (rest < 2) {
        place[0] = '\0';
        place_tok = 0;
        rest = target - lead_tok - 1;
    }
    if (rest < 2)
        rest = 2;
    if (rng_chance(r, 250)) { /* "Grelbor talks: Koval warns ..." */
        char first[200];
        str_t tw = w->words[pick_topical(a)];
        snprintf(first, sizeof first, "%s %s:", tw.s, w->words[pick_topical(a)].s);
        title_add(t, first, 0);
        rest -= 2;
        if (rest < 1)
            rest = 1;
    }
    title_add(t, lead, 0);
    title_add(t, PICK(r, headline_verbs), 0);
    topical = 0;
    for (i = 0; i < rest; i++) {
        int use_topical = topical < 2 || rng_chance(r, 350);
        if (use_topical) {
            const char *tw = w->words[pick_topical(a)].s;
            int j, dup = 0;
            for (j = 0; j < t->n; j++)
                dup |= strcmp(t->text[j], tw) == 0;
            for (k = 0; dup && k < 4; k++) { /* a repeated word reads badly */
                tw = w->words[pick_topical(a)].s;
                dup = 0;
                for (j = 0; j < t->n; j++)
                    dup |= strcmp(t->text[j], tw) == 0;
            }
            title_add(t, tw, 2);
            topical++;
        } else {
            uint32_t wi = w->ncommon + alias_sample(&w->content_zipf, r);
            title_add(t, w->words[wi].s, 1);
        }
    }
    if (place_tok > 0)
        title_add(t, place, 0);
}

/* Replaces one filler word of the title (else a topical word) with another. */
static void edit_title(const world_t *w, title_t *t, rng_t *er)
{
    int cand[MAX_TITLE_TOKENS], n = 0, i;
    uint32_t wi = w->ncommon + alias_sample(&w->content_zipf, er);

    for (i = 0; i < t->n; i++)
        if (t->filler[i] == 1)
            cand[n++] = i;
    if (n == 0)
        for (i = 0; i < t->n; i++)
            if (t->filler[i] == 2)
                cand[n++] = i;
    if (n == 0) /* not reached: every title has a topical word */
        return;
    i = cand[rng_below(er, (uint32_t)n)];
    if (strcmp(t->text[i], w->words[wi].s) == 0)
        wi = wi + 1 < w->nwords ? wi + 1 : w->ncommon;
    snprintf(t->text[i], sizeof t->text[i], "%s", w->words[wi].s);
}

static void render_title(const title_t *t, buf_t *out)
{
    int i;

    out->len = 0;
    for (i = 0; i < t->n; i++) {
        if (i > 0)
            buf_putc(out, ' ');
        buf_puts(out, t->text[i]);
    }
    if (out->len > 0 && out->p[0] >= 'a' && out->p[0] <= 'z')
        out->p[0] = (char)(out->p[0] - 'a' + 'A');
}

/* ------------------------------------------------------------------ */
/* JSON output.                                                        */

/* Bytes that JSON strings must escape: control characters, '"', '\\'.
 * UTF-8 sequences pass through unchanged. */
static unsigned char json_escape_table[256];

static void json_init(void)
{
    int c;

    for (c = 0; c < 0x20; c++)
        json_escape_table[c] = 1;
    json_escape_table['"'] = 1;
    json_escape_table['\\'] = 1;
}

static void json_string(buf_t *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0, run = 0;

    buf_putc(out, '"');
    while (i < n) {
        unsigned char c;
        /* Skip 8 clean bytes at a time: no byte below 0x20, no '"', no '\\'. */
        while (i + 8 <= n) {
            uint64_t v, q, bs;
            memcpy(&v, s + i, 8);
            q = v ^ 0x2222222222222222ULL;
            bs = v ^ 0x5c5c5c5c5c5c5c5cULL;
            if (((v - 0x2020202020202020ULL) | (q - 0x0101010101010101ULL) |
                 (bs - 0x0101010101010101ULL)) & ~v & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        c = (unsigned char)s[i];
        if (!json_escape_table[c]) {
            i++;
            continue;
        }
        buf_put(out, s + run, i - run);
        switch (c) {
        case '"': buf_put(out, "\\\"", 2); break;
        case '\\': buf_put(out, "\\\\", 2); break;
        case '\n': buf_put(out, "\\n", 2); break;
        case '\r': buf_put(out, "\\r", 2); break;
        case '\t': buf_put(out, "\\t", 2); break;
        case '\b': buf_put(out, "\\b", 2); break;
        case '\f': buf_put(out, "\\f", 2); break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            buf_put(out, u, 6);
        }
        }
        i++;
        run = i;
    }
    buf_put(out, s + run, n - run);
    buf_putc(out, '"');
}

static void slugify(const char *title, size_t n, buf_t *out)
{
    size_t i, words = 0;
    int need_dash = 0;

    for (i = 0; i < n && words < 8; i++) {
        char c = title[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (need_dash) {
                buf_putc(out, '-');
                need_dash = 0;
            }
            buf_putc(out, c);
        } else if (c == ' ') {
            need_dash = 1;
            words++;
        }
    }
}

typedef struct {
    uint64_t articles, bytes, body_words, copies, late, stories;
} stats_t;

static void write_article(const world_t *w, const slot_t *s, uint64_t serial,
                          buf_t *out, buf_t *body, buf_t *title, stats_t *stats,
                          buf_t *truth)
{
    art_t a;
    title_t t;
    size_t first_end;
    date_t d = date_from_days(s->published / 1440);
    int minute = (int)(s->published % 1440);
    const source_t *so = &w->sources[s->source];
    char when[32];
    size_t url_at;

    memset(&a, 0, sizeof a);
    a.w = w;
    a.st = s->story;
    a.body = body;
    a.honorific = w->sources[s->text_source].honorific;
    a.text_time = s->text_time;
    rng_seed(&a.rng, s->text_seed);
    make_title(&a, &t);
    first_end = write_body(&a);

    if (s->edit_seed != 0) {
        rng_t er;
        rng_seed(&er, s->edit_seed);
        edit_title(w, &t, &er);
        if (a.nrec > 0) { /* change one word of the first sentence */
            int k = (int)rng_below(&er, (uint32_t)a.nrec);
            uint32_t wi = w->ncommon + alias_sample(&w->content_zipf, &er);
            str_t nw = w->words[wi];
            size_t off = a.rec_off[k], oldn = a.rec_len[k];
            buf_t tmp = {NULL, 0, 0};

            buf_put(&tmp, body->p + off + oldn, body->len - off - oldn);
            body->len = off;
            buf_put(body, nw.s, nw.n);
            buf_put(body, tmp.p, tmp.len);
            free(tmp.p);
            first_end = first_end + nw.n - oldn;
        }
        stats->copies++;
    }
    render_title(&t, title);

    buf_puts(out, "{\"url\":\"");
    url_at = out->len;
    buf_puts(out, "https://");
    buf_put(out, so->site.s, so->site.n);
    buf_putc(out, '/');
    buf_put_uint(out, (uint64_t)d.year, 4);
    buf_putc(out, '/');
    buf_put_uint(out, (uint64_t)d.month, 2);
    buf_putc(out, '/');
    buf_put_uint(out, (uint64_t)d.day, 2);
    buf_putc(out, '/');
    slugify(title->p, title->len, out);
    buf_putc(out, '-');
    buf_put_uint(out, serial, 4);
    if (truth) { /* the URL is plain ASCII: slugify keeps [a-z0-9-] only */
        buf_put(truth, out->p + url_at, out->len - url_at);
        buf_putc(truth, '\t');
        buf_put_uint(truth, s->story->serial, 1);
        buf_putc(truth, '\n');
    }
    buf_puts(out, "\",\"source\":");
    json_string(out, so->name.s, so->name.n);
    buf_puts(out, ",\"title\":");
    json_string(out, title->p, title->len);
    snprintf(when, sizeof when, "%04lld-%02d-%02dT%02d:%02d:00Z", (long long)d.year,
             d.month, d.day, minute / 60, minute % 60);
    buf_puts(out, ",\"published\":\"");
    buf_puts(out, when);
    buf_puts(out, "\",\"summary\":");
    json_string(out, body->p, first_end);
    buf_puts(out, ",\"body\":");
    json_string(out, body->p, body->len);
    buf_puts(out, "}\n");
    stats->body_words += (uint64_t)a.body_words;
}

/* ------------------------------------------------------------------ */
/* The schedule: stories start in time order, their articles are       */
/* merged through a heap.                                              */

typedef struct {
    const world_t *w;
    rng_t rng;
    int64_t start_day, end_day;
    uint32_t hour_total;
    uint64_t seq;
} sched_t;

static int64_t random_minute_of_day(sched_t *sc)
{
    uint32_t pick = rng_below(&sc->rng, sc->hour_total), h = 0;

    while (h < 23 && pick >= hour_weights[h])
        pick -= hour_weights[h++];
    return (int64_t)h * 60 + rng_below(&sc->rng, 60);
}

static uint32_t pick_source(sched_t *sc, uint32_t not_this)
{
    uint32_t s;

    do
        s = alias_sample(&sc->w->source_zipf, &sc->rng);
    while (s == not_this);
    return s;
}

static void sched_push(sched_t *sc, heap_t *h, slot_t *s, stats_t *stats)
{
    s->key = s->published;
    if (rng_chance(&sc->rng, 50)) { /* a late import */
        uint32_t u = rng_below(&sc->rng, 1000);
        s->key += 60 + (int64_t)(u * u / 1000) * 43; /* one hour to 30 days */
        stats->late++;
    }
    s->seq = sc->seq++;
    heap_push(h, s);
}

/* Creates a story of `size` articles starting on `day` and queues them. */
static void start_story(sched_t *sc, heap_t *h, int64_t day, uint32_t size, stats_t *stats)
{
    const world_t *w = sc->w;
    rng_t *r = &sc->rng;
    story_t *st = calloc(1, sizeof *st);
    slot_t *slots = malloc(size * sizeof *slots);
    int64_t span;
    uint32_t i;
    int ncast, c;

    if (st == NULL || slots == NULL)
        die_oom();
    stats->stories++;
    st->serial = stats->stories;
    /* Cast: a lead person or organisation, a place, then 0-4 others. */
    ncast = 2 + (int)rng_below(r, 5);
    st->cast[0].kind = rng_chance(r, 700) ? ENT_PERSON : ENT_ORG;
    st->cast[1].kind = ENT_PLACE;
    for (c = 0; c < ncast; c++) {
        ent_t e;
        int dup, tries = 0;

        if (c >= 2) {
            uint32_t k = rng_below(r, 100);
            st->cast[c].kind = k < 45 ? ENT_PERSON : k < 75 ? ENT_PLACE : ENT_ORG;
        }
        do {
            int j;
            e.kind = st->cast[c].kind;
            if (e.kind == ENT_PERSON)
                e.idx = alias_sample(&w->person_zipf, r);
            else if (e.kind == ENT_PLACE)
                e.idx = w->place_rank[alias_sample(&w->place_zipf, r)];
            else
                e.idx = alias_sample(&w->org_zipf, r);
            dup = 0;
            for (j = 0; j < c; j++)
                dup |= ent_equal(st->cast[j], e);
        } while (dup && ++tries < 50);
        st->cast[c] = e;
    }
    st->ncast = ncast;
    for (c = 0; c < N_TOPICAL; c++) {
        int dup, j;
        do {
            st->topical[c] = w->ncommon + 200 + rng_below(r, 20000);
            dup = 0;
            for (j = 0; j < c; j++)
                dup |= st->topical[j] == st->topical[c];
        } while (dup);
    }
    st->remaining = size;

    /* Small stories last days, large ones weeks. */
    span = 1 + rng_below(r, 3 + size);
    if (span > 45)
        span = 45;
    if (day + span > sc->end_day)
        span = sc->end_day - day;
    if (span < 1)
        span = 1;
    for (i = 0; i < size; i++) {
        slot_t *s = &slots[i];
        memset(s, 0, sizeof *s);
        s->story = st;
        if (i > 0 && rng_chance(r, 53)) { /* a syndicated copy */
            const slot_t *orig = &slots[rng_below(r, i)];
            int64_t t = orig->published + 10 + rng_below(r, 710);
            s->text_seed = orig->text_seed;
            s->text_time = orig->text_time;
            s->text_source = orig->text_source;
            s->source = pick_source(sc, orig->source);
            s->edit_seed = rng_next(r) | 1;
            s->published = t < sc->end_day * 1440 ? t : sc->end_day * 1440 - 1;
        } else {
            int64_t d = day + (i == 0 ? 0 : rng_below(r, (uint32_t)span));
            s->text_seed = rng_next(r);
            s->source = pick_source(sc, UINT32_MAX);
            s->text_source = s->source;
            s->published = d * 1440 + random_minute_of_day(sc);
            s->text_time = s->published;
        }
    }
    for (i = 0; i < size; i++)
        sched_push(sc, h, &slots[i], stats);
    free(slots);
}

/* ------------------------------------------------------------------ */
/* Command line.                                                       */

static void usage(FILE *f)
{
    fputs("usage: gencorpus [--seed N] [--start YYYY-MM-DD] [--days D] [--stats]\n"
          "                 [--truth FILE] N > out.jsonl\n"
          "Writes N synthetic news articles as JSON Lines; the same arguments\n"
          "always give the same bytes. Defaults: --seed 1 --start 2023-01-01 --days 1095.\n"
          "--truth FILE also writes each article's story, \"URL<TAB>story\" a line\n"
          "(stories numbered from 1; a syndicated copy has its original's story),\n"
          "for tools/eval/stories/bcubed.py. The articles are the same with or without it.\n",
          f);
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

static int parse_date(const char *s, int64_t *day)
{
    int y, m, d, n = 0;

    if (s == NULL || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || s[n] != '\0' ||
        y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return -1;
    *day = days_from_date(y, m, d);
    return 0;
}

/* "--name value" or "--name=value"; returns the value or NULL. */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);

    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] == '\0' && *i + 1 < argc)
        return argv[++*i];
    return NULL;
}

int main(int argc, char **argv)
{
    uint64_t seed = 1, days = 1095, count = 0, emitted = 0, allocated = 0;
    int64_t start_day = 0;
    int have_count = 0, want_stats = 0, progress, i;
    world_t *w;
    sched_t sc;
    heap_t heap = {NULL, 0, 0};
    buf_t out = {NULL, 0, 0}, body = {NULL, 0, 0}, title = {NULL, 0, 0};
    buf_t truth = {NULL, 0, 0};
    const char *truth_path = NULL;
    FILE *truth_f = NULL;
    stats_t stats;
    int64_t span_min;

    parse_date("2023-01-01", &start_day);
    for (i = 1; i < argc; i++) {
        const char *v;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--stats") == 0) {
            want_stats = 1;
        } else if (strncmp(argv[i], "--truth", 7) == 0 && (argv[i][7] == '\0' || argv[i][7] == '=')) {
            truth_path = option_value(argc, argv, &i, "--truth");
            if (truth_path == NULL || *truth_path == '\0') {
                fprintf(stderr, "gencorpus: --truth needs a file name\n");
                return 2;
            }
        } else if (strncmp(argv[i], "--seed", 6) == 0 && (argv[i][6] == '\0' || argv[i][6] == '=')) {
            v = option_value(argc, argv, &i, "--seed");
            if (parse_u64(v, &seed) != 0) {
                fprintf(stderr, "gencorpus: --seed needs a non-negative integer\n");
                return 2;
            }
        } else if (strncmp(argv[i], "--start", 7) == 0 && (argv[i][7] == '\0' || argv[i][7] == '=')) {
            v = option_value(argc, argv, &i, "--start");
            if (parse_date(v, &start_day) != 0) {
                fprintf(stderr, "gencorpus: --start needs a date YYYY-MM-DD from 1970 on\n");
                return 2;
            }
        } else if (strncmp(argv[i], "--days", 6) == 0 && (argv[i][6] == '\0' || argv[i][6] == '=')) {
            v = option_value(argc, argv, &i, "--days");
            if (parse_u64(v, &days) != 0 || days < 1 || days > 100000) {
                fprintf(stderr, "gencorpus: --days needs an integer from 1 to 100000\n");
                return 2;
            }
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "gencorpus: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        } else if (!have_count && parse_u64(argv[i], &count) == 0) {
            have_count = 1;
        } else {
            fprintf(stderr, "gencorpus: unexpected argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (!have_count) {
        usage(stderr);
        return 2;
    }
    if (count > 1000000000ULL) {
        fprintf(stderr, "gencorpus: N must be at most 1000000000\n");
        return 2;
    }

    if (truth_path && (truth_f = fopen(truth_path, "w")) == NULL) {
        fprintf(stderr, "gencorpus: cannot write %s: %s\n", truth_path, strerror(errno));
        return 1;
    }
    json_init();
    w = malloc(sizeof *w);
    if (w == NULL)
        die_oom();
    world_build(w, seed);
    memset(&stats, 0, sizeof stats);
    memset(&sc, 0, sizeof sc);
    sc.w = w;
    rng_seed(&sc.rng, seed ^ 0x73746f72696573ULL);
    sc.start_day = start_day;
    sc.end_day = start_day + (int64_t)days;
    for (i = 0; i < 24; i++)
        sc.hour_total += hour_weights[i];
    span_min = (int64_t)days * 1440;
    progress = isatty(STDERR_FILENO);

    while (emitted < count) {
        int64_t base_day = sc.end_day;
        uint32_t size = 0;

        if (allocated < count) {
            uint32_t u = rng_below(&sc.rng, 1000);
            base_day = start_day + (int64_t)(allocated * (uint64_t)span_min / count) / 1440;
            size = 2 + (uint32_t)((uint64_t)u * u * u * 49 / 1000000000ULL);
            if (size > count - allocated)
                size = (uint32_t)(count - allocated);
        }
        /* Everything due before the next story's first day goes out now. */
        while (heap.n > 0 && (allocated >= count || heap.a[0].key < base_day * 1440)) {
            slot_t s = heap_pop(&heap);
            write_article(w, &s, emitted + 1, &out, &body, &title, &stats,
                          truth_f ? &truth : NULL);
            emitted++;
            if (--s.story->remaining == 0)
                free(s.story);
            if (truth.len >= (1u << 20)) {
                if (fwrite(truth.p, 1, truth.len, truth_f) != truth.len)
                    goto truth_error;
                truth.len = 0;
            }
            if (out.len >= (1u << 20)) {
                if (fwrite(out.p, 1, out.len, stdout) != out.len)
                    goto write_error;
                stats.bytes += out.len;
                out.len = 0;
            }
            if (progress && emitted % 100000 == 0)
                fprintf(stderr, "gencorpus: %llu / %llu articles\n",
                        (unsigned long long)emitted, (unsigned long long)count);
        }
        if (allocated < count) {
            int64_t day = base_day + rng_below(&sc.rng, 3);
            if (day >= sc.end_day)
                day = sc.end_day - 1;
            start_story(&sc, &heap, day, size, &stats);
            allocated += size;
        }
    }
    if (out.len > 0 && fwrite(out.p, 1, out.len, stdout) != out.len)
        goto write_error;
    stats.bytes += out.len;
    if (fflush(stdout) != 0)
        goto write_error;
    if (truth_f && ((truth.len && fwrite(truth.p, 1, truth.len, truth_f) != truth.len) ||
                    fclose(truth_f) != 0))
        goto truth_error;
    stats.articles = emitted;
    if (want_stats)
        fprintf(stderr,
                "articles: %llu\nbytes: %llu\nmean words/body: %.1f\n"
                "stories: %llu\nsyndicated copies: %llu\nlate imports: %llu\n",
                (unsigned long long)stats.articles, (unsigned long long)stats.bytes,
                stats.articles ? (double)stats.body_words / (double)stats.articles : 0.0,
                (unsigned long long)stats.stories, (unsigned long long)stats.copies,
                (unsigned long long)stats.late);
    free(heap.a);
    free(out.p);
    free(body.p);
    free(title.p);
    world_free(w);
    free(w);
    return 0;

write_error:
    fprintf(stderr, "gencorpus: cannot write output: %s\n", strerror(errno));
    return 1;
truth_error:
    fprintf(stderr, "gencorpus: cannot write %s: %s\n", truth_path, strerror(errno));
    return 1;
}
