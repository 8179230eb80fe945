/*
 * xapian.cc - the Xapian side of the shard backend (issue 8), the only C++
 * in the project. Every function with C linkage here catches every
 * exception and returns an arc_status_t with the message kept on the
 * handle; no C++ type leaves this file (shards.h, archive-private.h).
 *
 * Reading: a shards handle holds one Xapian::Database over every
 * reachable shard of the stub. The query AST of query.c is translated to
 * a Xapian::Query here (words and phrases are tokenized by the archive's
 * own FTS5 tokenizer, so both backends match the same terms); the result
 * set's aggregates (facets, histogram, stories, timelines) are computed by
 * ValueCountMatchSpy over the whole match set on the servers, so they are
 * exact for any size and only distinct values travel. When a shard fails
 * during a call, every shard is probed to name the dead one: the call
 * fails with ARC_E_NET naming it, or with ARC_SHARDS_ALLOW_PARTIAL the
 * shard is dropped (arc_db_unreachable) and the call runs again on the
 * others.
 *
 * Writing: a thin wrapper over WritableDatabase for shards_sync.c.
 */
#include <xapian.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <set>
#include <strings.h>
#include <sys/stat.h>
#include <string>
#include <utility>
#include <vector>

#include "shards.h"

using std::string;
using std::vector;

namespace {

const unsigned CONNECT_TIMEOUT_MS = 3000;
const unsigned ACTIVE_TIMEOUT_MS = 30000;
Xapian::doccount page_size = 1000;   /* first page of a cursor (Arc_xap_set_page) */
const Xapian::doccount PAGE_MAX = 20000;
const unsigned MAX_PHRASE_PREFIX = 10000;   /* words a "phrase prefix"* may expand to */

struct Shard {
    string name, host, path;
    unsigned port = 0;
    bool alive = true;
};

/* A failure already recorded on the handle. */
struct Failed {
    arc_status_t st;
};

}  // namespace

struct arc_xap {
    vector<Shard> shards;
    Xapian::Database db;            /* every live shard */
    vector<string> unreachable;
    vector<const char *> unreach_ptrs;
    int flags = 0;
    arc_tok_t *tok = nullptr;
};

namespace {

/* ---- connections ---- */

Xapian::Database
open_shard(const Shard &s)
{
    struct stat sb;

    if (!s.host.empty())
        return Xapian::Remote::open(s.host, s.port, ACTIVE_TIMEOUT_MS, CONNECT_TIMEOUT_MS);
    /* Xapian would read a plain file as a stub database of its own */
    if (stat(s.path.c_str(), &sb) != 0 || !S_ISDIR(sb.st_mode))
        throw Xapian::DatabaseOpeningError(s.path + ": not a shard directory");
    return Xapian::Database(s.path, Xapian::DB_BACKEND_GLASS);
}

void
mark_dead(arc_xap *x, Shard &s)
{
    s.alive = false;
    x->unreachable.push_back(s.name);
    x->unreach_ptrs.clear();
    for (const string &n : x->unreachable)
        x->unreach_ptrs.push_back(n.c_str());
}

/* (Re)open every live shard into x->db. A shard that cannot be opened
 * fails the call (ARC_E_NET naming it) or, with ALLOW_PARTIAL, is
 * dropped. */
arc_status_t
connect_all(arc_db_t *db)
{
    arc_xap *x = db->xap;
    Xapian::Database all;
    size_t live = 0;

    for (Shard &s : x->shards) {
        if (!s.alive)
            continue;
        try {
            Xapian::Database one = open_shard(s);
            if (one.get_doccount() > 0 && one.get_metadata(XAPIAN_META_LAYOUT).empty())
                return Arc_db_error(db, ARC_E_CORRUPT, "shard %s is not a newsarchive shard"
                                    " (it has documents but no %s)", s.name.c_str(),
                                    XAPIAN_META_LAYOUT);
            all.add_database(one);
            live++;
        } catch (const Xapian::Error &e) {
            if (!(x->flags & ARC_SHARDS_ALLOW_PARTIAL))
                return Arc_db_error(db, ARC_E_NET, "shard %s is unreachable: %s",
                                    s.name.c_str(), e.get_description().c_str());
            mark_dead(x, s);
        }
    }
    if (!live)
        return Arc_db_error(db, ARC_E_NET, "no shard of %s is reachable%s%s", db->dir,
                            x->unreachable.empty() ? "" : " (last: ",
                            x->unreachable.empty() ? "" : (x->unreachable.back() + ")").c_str());
    x->db = all;
    return ARC_OK;
}

/* A call failed with a network error: probe the live shards to find the
 * dead ones; fail naming them, or drop them and reconnect. */
arc_status_t
lost_shard(arc_db_t *db, const string &why)
{
    arc_xap *x = db->xap;
    vector<Shard *> dead;

    for (Shard &s : x->shards) {
        if (!s.alive)
            continue;
        try {
            open_shard(s).get_doccount();
        } catch (const Xapian::Error &) {
            dead.push_back(&s);
        }
    }
    if (dead.empty())
        return connect_all(db) ? Arc_db_error(db, ARC_E_NET, "a shard failed: %s", why.c_str())
                               : ARC_OK;
    if (!(x->flags & ARC_SHARDS_ALLOW_PARTIAL)) {
        string names;
        for (Shard *s : dead)
            names += (names.empty() ? "" : ", ") + s->name;
        return Arc_db_error(db, ARC_E_NET, "shard%s %s %s unreachable: %s",
                            dead.size() > 1 ? "s" : "", names.c_str(),
                            dead.size() > 1 ? "are" : "is", why.c_str());
    }
    for (Shard *s : dead)
        mark_dead(x, *s);
    return connect_all(db);
}

/* Run f (which must start from scratch each time) with every exception
 * turned into a status; network failures probe, drop (partial) and retry. */
template <class F>
arc_status_t
guarded(arc_db_t *db, F &&f)
{
    for (int attempt = 0; attempt < 8; attempt++) {
        try {
            return f();
        } catch (const Failed &e) {
            return e.st;
        } catch (const Xapian::DatabaseModifiedError &) {
            try {
                db->xap->db.reopen();
            } catch (...) {
            }
        } catch (const Xapian::NetworkError &e) {
            arc_status_t st;
            try {
                st = lost_shard(db, e.get_description());
            } catch (const std::bad_alloc &) {
                return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
            } catch (...) {
                return Arc_db_error(db, ARC_E_NET, "%s", e.get_description().c_str());
            }
            if (st)
                return st;
        } catch (const Xapian::Error &e) {
            return Arc_db_error(db, ARC_E_DB, "Xapian: %s", e.get_description().c_str());
        } catch (const std::bad_alloc &) {
            return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
        } catch (const std::exception &e) {
            return Arc_db_error(db, ARC_E_INTERNAL, "internal error: %s", e.what());
        } catch (...) {
            return Arc_db_error(db, ARC_E_INTERNAL, "internal error: unknown exception");
        }
    }
    return Arc_db_error(db, ARC_E_NET, "the shards of %s keep failing", db->dir);
}

/* ---- records ---- */

/* The tag/length records of a document's data or value. */
struct Rec {
    std::map<char, string> one;
    vector<std::pair<char, string>> all;

    explicit Rec(const string &s)
    {
        size_t off = 0, len;
        const char *p;
        char tag;
        while (Arc_tlv_next(s.data(), s.size(), &off, &tag, &p, &len)) {
            one[tag].assign(p, len);
            all.emplace_back(tag, string(p, len));
        }
    }
    bool has(char t) const { return one.count(t) != 0; }
    const string &get(char t) const
    {
        static const string empty;
        auto it = one.find(t);
        return it == one.end() ? empty : it->second;
    }
    const char *cstr(char t) const
    {
        auto it = one.find(t);
        return it == one.end() ? nullptr : it->second.c_str();
    }
    int64_t num(char t, int64_t dflt = 0) const
    {
        auto it = one.find(t);
        return it == one.end() || it->second.empty() ? dflt
                                                     : (int64_t)strtoll(it->second.c_str(), nullptr, 10);
    }
};

/* Split s at the first n-1 unit separators (the last field keeps any). */
vector<string>
fields(const string &s, size_t n)
{
    vector<string> out;
    size_t pos = 0;
    while (out.size() + 1 < n) {
        size_t e = s.find('\x1f', pos);
        if (e == string::npos)
            break;
        out.push_back(s.substr(pos, e - pos));
        pos = e + 1;
    }
    out.push_back(s.substr(pos));
    while (out.size() < n)
        out.emplace_back();
    return out;
}

string
lower_ascii(const char *s)
{
    string r(s ? s : "");
    for (char &c : r)
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
    return r;
}

char *
dup(const string &s)
{
    char *p = strdup(s.c_str());
    if (!p)
        throw std::bad_alloc();
    return p;
}

char *
dup_or_null(const char *s)
{
    return s ? dup(s) : nullptr;
}

/* The one document holding term (Ka/Ks/Ke kind terms filter), or false. */
bool
find_doc(Xapian::Database &d, const string &term, Xapian::Document &out)
{
    Xapian::PostingIterator p = d.postlist_begin(term);
    if (p == d.postlist_end(term))
        return false;
    out = d.get_document(*p);
    return true;
}

/* ---- entities ---- */

const char *const kind_names[] = { "person", "place", "org" };

struct EntityDoc {
    int64_t id = 0;
    int kind = 0;
    string name;
    vector<string> aliases;
};

EntityDoc
entity_of(const Xapian::Document &doc)
{
    Rec r(doc.get_data());
    EntityDoc e;
    e.id = r.num('i');
    e.kind = (int)r.num('k');
    e.name = r.get('n');
    for (auto &a : r.all)
        if (a.first == 'a')
            e.aliases.push_back(a.second);
    return e;
}

/* The live entities a name stands for (canonical name or alias, ASCII
 * case-insensitive), ascending ids. */
vector<int64_t>
entity_ids(Xapian::Database &d, int kind, const char *name)
{
    std::set<int64_t> ids;
    string low = lower_ascii(name);
    for (int k = 0; k < 3; k++) {
        if (kind >= 0 && k != kind)
            continue;
        string term = "XN" + std::to_string(k) + ":" + low;
        if (term.size() > XAPIAN_MAX_TERM)
            continue;
        for (Xapian::PostingIterator p = d.postlist_begin(term); p != d.postlist_end(term); ++p)
            ids.insert(entity_of(d.get_document(*p)).id);
    }
    return vector<int64_t>(ids.begin(), ids.end());
}

/* Record "unknown KIND 'NAME'; did you mean ...?" like search.c does
 * (same distance, same ranking, same text) and return the status. The
 * candidates are the alias terms (one round trip per shard); only the
 * three shown are looked up for their spelling. */
arc_status_t
entity_unknown(arc_db_t *db, int kind, const char *name, int column)
{
    Xapian::Database &d = db->xap->db;
    size_t nlen = strlen(name);
    int cap = nlen < 4 ? 1 : nlen < 8 ? 2 : 3;
    std::map<string, std::pair<int, string>> cand;   /* lower -> (dist, term) */
    const char *what = kind >= 0 && kind < 3 ? kind_names[kind] : "entity";
    char msg[400];

    for (int k = 0; k < 3; k++) {
        if (kind >= 0 && k != kind)
            continue;
        string pfx = "XN" + std::to_string(k) + ":";
        for (Xapian::TermIterator t = d.allterms_begin(pfx); t != d.allterms_end(pfx); ++t) {
            string al = (*t).substr(pfx.size());
            int dist;
            if (nlen >= 2 && strncasecmp(al.c_str(), name, nlen) == 0)
                dist = 0;
            else if ((dist = Arc_edit_distance(name, al.c_str(), cap)) > cap)
                continue;
            else
                dist += 1;
            auto it = cand.find(al);
            if (it == cand.end() || dist < it->second.first)
                cand[al] = { dist, *t };
        }
    }
    vector<std::pair<int, string>> best;
    for (auto &c : cand)
        best.push_back({ c.second.first, c.first });
    std::sort(best.begin(), best.end(), [](const std::pair<int, string> &a,
                                           const std::pair<int, string> &b) {
        if (a.first != b.first)
            return a.first < b.first;
        return a.second < b.second;
    });
    if (best.size() > 3)
        best.resize(3);
    /* the alias as it was written */
    for (auto &b : best) {
        string term = cand[b.second].second;
        Xapian::PostingIterator p = d.postlist_begin(term);
        if (p == d.postlist_end(term))
            continue;
        EntityDoc e = entity_of(d.get_document(*p));
        e.aliases.push_back(e.name);
        for (const string &al : e.aliases)
            if (lower_ascii(al.c_str()) == b.second) {
                b.second = al;
                break;
            }
    }
    size_t k = std::min<size_t>(best.size(), 3);
    if (k == 0)
        snprintf(msg, sizeof msg, "unknown %s '%.80s' (no similar name is known)", what, name);
    else
        snprintf(msg, sizeof msg, "unknown %s '%.80s'; did you mean %.79s%s%.79s%s%.79s?", what,
                 name, best[0].second.c_str(), k > 1 ? ", " : "",
                 k > 1 ? best[1].second.c_str() : "", k > 2 ? ", " : "",
                 k > 2 ? best[2].second.c_str() : "");
    if (column > 0)
        return Arc_db_error(db, ARC_E_BAD_QUERY, "query error at column %d: %s", column, msg);
    return Arc_db_error(db, ARC_E_NOT_FOUND, "%s", msg);
}

/* ---- query translation ---- */

typedef Xapian::Query Q;

struct Translation {
    arc_db_t *db;
    vector<string> snip;          /* positive text terms (for snippets) */
    vector<char> snip_prefix;
    bool timeline = false;        /* top-level date: terms bound events */
    int64_t since = 0, until = 0; /* those bounds */
    bool has_text = false;        /* a positive text term at top level */
};

int
collect_tok(void *ctx, const char *tok, int n, int, int)
{
    static_cast<vector<string> *>(ctx)->emplace_back(tok, (size_t)n);
    return 0;
}

vector<string>
tokenize(arc_db_t *db, const char *text, size_t len, bool prefix)
{
    vector<string> t;
    if (Arc_tok_run(db->xap->tok, 1, prefix, text, len, collect_tok, &t))
        throw Failed{ Arc_db_error(db, ARC_E_INTERNAL, "the FTS5 tokenizer failed") };
    return t;
}

/* The articles published in [since, until) (0 = open), exactly as
 * search.c selects them: whole days by the day the id encodes (ids.c),
 * a bound inside a day by coalesce(published, first_seen). */
Q
date_query(int64_t since, int64_t until)
{
    vector<Q> parts;
    double lo = since ? (double)Arc_id_first_of_time(since) : 0;
    double hi = until ? (double)(Arc_id_first_of_time(until - 1) + ((int64_t)1 << ARC_ID_SEQ_BITS) - 1)
                      : 0;

    if (since && until)
        parts.emplace_back(Q::OP_VALUE_RANGE, XAPIAN_SLOT_ID, Xapian::sortable_serialise(lo),
                           Xapian::sortable_serialise(hi));
    else if (since)
        parts.emplace_back(Q::OP_VALUE_GE, XAPIAN_SLOT_ID, Xapian::sortable_serialise(lo));
    else if (until)
        parts.emplace_back(Q::OP_VALUE_LE, XAPIAN_SLOT_ID, Xapian::sortable_serialise(hi));
    if (since && since % 86400 != 0)
        parts.emplace_back(Q::OP_VALUE_GE, XAPIAN_SLOT_DATE, Xapian::sortable_serialise((double)since));
    if (until && until % 86400 != 0)
        parts.emplace_back(Q::OP_VALUE_LE, XAPIAN_SLOT_DATE,
                           Xapian::sortable_serialise((double)(until - 1)));
    if (parts.empty())
        return Q(XAPIAN_T_ARTICLE);
    return parts.size() == 1 ? parts[0] : Q(Q::OP_AND, parts.begin(), parts.end());
}

Q
source_query(const char *v)
{
    return Q(Q::OP_OR, Q("XSN" + lower_ascii(v)), Q(string("XSS") + v));
}

/* Words, phrases and prefixes of the text (prefix: the last word is a
 * prefix), on the terms carrying `pfx` ("" every column, "S" title). */
Q
text_query(Translation &t, const char *text, bool prefix, const string &pfx, bool positive)
{
    vector<string> toks = tokenize(t.db, text, strlen(text), prefix);
    vector<Q> parts;

    if (toks.empty())
        return Q::MatchNothing;
    for (size_t i = 0; i < toks.size(); i++) {
        bool wild = prefix && i + 1 == toks.size();
        if (positive) {
            t.snip.push_back(toks[i]);
            t.snip_prefix.push_back(wild);
        }
        if (wild)
            parts.emplace_back(Q::OP_WILDCARD, pfx + toks[i]);
        else
            parts.emplace_back(pfx + toks[i]);
    }
    if (parts.size() == 1)
        return parts[0];
    if (!prefix)
        return Q(Q::OP_PHRASE, parts.begin(), parts.end(), (Xapian::termcount)parts.size());
    /* "a b"*: Xapian's phrases take only terms, so one phrase per word
     * the prefix expands to */
    Xapian::Database &d = t.db->xap->db;
    string wild = pfx + toks.back();
    vector<Q> alts;
    for (Xapian::TermIterator it = d.allterms_begin(wild); it != d.allterms_end(wild); ++it) {
        if (alts.size() >= MAX_PHRASE_PREFIX)
            throw Failed{ Arc_db_error(t.db, ARC_E_BAD_QUERY,
                                       "query error: the phrase prefix '%s*' matches more than %u"
                                       " words; make it longer", toks.back().c_str(),
                                       MAX_PHRASE_PREFIX) };
        parts.back() = Q(*it);
        alts.emplace_back(Q::OP_PHRASE, parts.begin(), parts.end(), (Xapian::termcount)parts.size());
    }
    return alts.empty() ? Q::MatchNothing : Q(Q::OP_OR, alts.begin(), alts.end());
}

/* A date: value as query.c reads it (FROM..TO, FROM.., ..TO, a period). */
bool
date_value(const char *v, int64_t *since, int64_t *until)
{
    const char *dots = strstr(v, "..");
    int64_t s, e;

    *since = *until = 0;
    if (!dots)
        return arc_time_parse_user(v, since, until) == ARC_OK;
    string left(v, (size_t)(dots - v)), right(dots + 2);
    if (left.empty() && right.empty())
        return false;
    if (!left.empty()) {
        if (arc_time_parse_user(left.c_str(), &s, &e) != ARC_OK)
            return false;
        *since = s;
    }
    if (!right.empty()) {
        if (arc_time_parse_user(right.c_str(), &s, &e) != ARC_OK)
            return false;
        *until = e;
    }
    return true;
}

Q translate(Translation &t, const arc_qnode_t *n, bool positive);

Q
field_query(Translation &t, const arc_qnode_t *n, bool positive)
{
    const string f = n->field;
    const char *v = n->text;
    Xapian::Database &d = t.db->xap->db;

    if (f == "title") {
        size_t len = strlen(v);
        bool prefix = !n->is_phrase && len > 0 && v[len - 1] == '*';
        string val(v, prefix ? len - 1 : len);
        return text_query(t, val.c_str(), prefix, "S", positive);
    }
    if (f == "person" || f == "place" || f == "org") {
        int kind = f == "person" ? ARC_ENTITY_PERSON : f == "place" ? ARC_ENTITY_PLACE : ARC_ENTITY_ORG;
        vector<int64_t> ids = entity_ids(d, kind, v);
        if (ids.empty()) {
            /* known only as another kind: nothing; known as nothing: error */
            if (!entity_ids(d, -1, v).empty())
                return Q::MatchNothing;
            throw Failed{ entity_unknown(t.db, kind, v, n->column > 0 ? n->column : 1) };
        }
        vector<Q> terms;
        for (int64_t id : ids)
            terms.emplace_back("XE" + std::to_string(id));
        return Q(Q::OP_OR, terms.begin(), terms.end());
    }
    if (f == "source")
        return source_query(v);
    if (f == "date") {
        int64_t since, until;
        if (!date_value(v, &since, &until))
            throw Failed{ Arc_db_error(t.db, ARC_E_BAD_QUERY, "query error at column %d: bad date",
                                       n->column) };
        return date_query(since, until);
    }
    if (f == "story")
        return Q("XT" + std::to_string(strtoll(v, nullptr, 10)));
    if (f == "lang")
        return Q("XL" + lower_ascii(v));
    throw Failed{ Arc_db_error(t.db, ARC_E_BAD_QUERY, "query error at column %d: unknown field '%s'",
                               n->column, n->field) };
}

void
flatten_and(const arc_qnode_t *n, vector<const arc_qnode_t *> &out)
{
    if (n->kind == ARC_QN_AND) {
        for (size_t i = 0; i < n->n_kids; i++)
            flatten_and(n->kids[i], out);
        return;
    }
    out.push_back(n);
}

/* The conjunction of items: positives ANDed, NOT items excluded. */
Q
conj_query(Translation &t, const vector<const arc_qnode_t *> &items, bool positive)
{
    vector<Q> pos, neg;
    for (const arc_qnode_t *k : items) {
        if (k->kind == ARC_QN_NOT)
            neg.push_back(translate(t, k->kids[0], !positive));
        else
            pos.push_back(translate(t, k, positive));
    }
    Q p = pos.empty() ? Q(XAPIAN_T_ARTICLE)
                      : pos.size() == 1 ? pos[0] : Q(Q::OP_AND, pos.begin(), pos.end());
    if (neg.empty())
        return p;
    return Q(Q::OP_AND_NOT, p, Q(Q::OP_OR, neg.begin(), neg.end()));
}

Q
translate(Translation &t, const arc_qnode_t *n, bool positive)
{
    switch (n->kind) {
    case ARC_QN_WORD:
    case ARC_QN_PHRASE:
        return text_query(t, n->text, false, "", positive);
    case ARC_QN_PREFIX:
        return text_query(t, n->text, true, "", positive);
    case ARC_QN_FIELD:
        return field_query(t, n, positive);
    case ARC_QN_OR: {
        vector<Q> kids;
        for (size_t i = 0; i < n->n_kids; i++)
            kids.push_back(translate(t, n->kids[i], positive));
        return Q(Q::OP_OR, kids.begin(), kids.end());
    }
    case ARC_QN_AND: {
        vector<const arc_qnode_t *> items;
        flatten_and(n, items);
        return conj_query(t, items, positive);
    }
    case ARC_QN_NOT:
        return Q(Q::OP_AND_NOT, Q(XAPIAN_T_ARTICLE), translate(t, n->kids[0], !positive));
    }
    throw Failed{ Arc_db_error(t.db, ARC_E_INTERNAL, "internal error: malformed query tree") };
}

/* The article query of q with the options' filters. In a timeline the
 * top-level date: terms and since/until bound the events instead (in
 * t.since/t.until). */
Q
build_query(Translation &t, const arc_query_t *q, const arc_search_opts_t *o)
{
    Q base(XAPIAN_T_ARTICLE);
    vector<Q> filters;

    if (q && q->root) {
        vector<const arc_qnode_t *> items, rest;
        flatten_and(q->root, items);
        for (const arc_qnode_t *k : items) {
            int64_t s, u;
            if (t.timeline && k->kind == ARC_QN_FIELD && strcmp(k->field, "date") == 0
                && date_value(k->text, &s, &u)) {
                if (s && (!t.since || s > t.since))
                    t.since = s;
                if (u && (!t.until || u < t.until))
                    t.until = u;
                continue;
            }
            rest.push_back(k);
        }
        if (!rest.empty())
            base = conj_query(t, rest, true);
    }
    filters.emplace_back(XAPIAN_T_ARTICLE);
    if (o && (o->since || o->until)) {
        if (t.timeline) {
            if (o->since && (!t.since || o->since > t.since))
                t.since = o->since;
            if (o->until && (!t.until || o->until < t.until))
                t.until = o->until;
        } else {
            filters.push_back(date_query(o->since, o->until));
        }
    }
    if (o && o->source)
        filters.push_back(source_query(o->source));
    return Q(Q::OP_FILTER, base, Q(Q::OP_AND, filters.begin(), filters.end()));
}

/* ---- whole-set aggregates ---- */

/* value -> number of matching documents, over the whole match set. */
std::map<string, Xapian::doccount>
spy_counts(Xapian::Database &d, const Q &query, Xapian::valueno slot)
{
    std::map<string, Xapian::doccount> out;
    Xapian::Enquire enq(d);
    Xapian::ValueCountMatchSpy spy(slot);

    enq.set_query(query);
    enq.set_weighting_scheme(Xapian::BoolWeight());
    enq.add_matchspy(&spy);
    enq.get_mset(0, 0, d.get_doccount() + 1);
    for (Xapian::TermIterator it = spy.values_begin(); it != spy.values_end(); ++it)
        out[*it] += it.get_termfreq();
    return out;
}

/* ---- cursors ---- */

struct XCursor {
    arc_db_t *db;                  /* first, like search.c's cursor */
    Q query;
    arc_search_opts_t o;
    string mark_open, mark_close;
    vector<string> snip;
    vector<char> snip_prefix;
    bool has_text = false;
    Xapian::doccount next = 0;     /* rank of the next hit */
    Xapian::doccount end = 0;      /* rank to stop at (0 = none) */
    bool done = false;
    std::unique_ptr<Xapian::Enquire> enq;   /* the MSet reads documents through it */
    /* newest/oldest without collapsing: each page after the first starts
     * after the last id given (no growing offset), pages grow */
    bool keyset = false, have_last = false;
    int64_t last_id = 0;
    unsigned pages = 0;
    Xapian::MSet mset;
    Xapian::doccount mset_first = 0;
    bool have_mset = false;
    /* the current hit's storage */
    arc_hit_t hit;
    string s_url, s_source, s_title, s_snippet, s_summary, s_body, s_lang;
    vector<string> names[3];
    vector<const char *> ptrs[3];
};

struct XTimeline {
    arc_db_t *db;                  /* first, like search.c's timeline */
    struct Head {
        int64_t id, story;
        string source, url, title;
    };
    struct Ev {
        int64_t date;
        int gran, from, start, end;
        size_t head;
        string text;
    };
    vector<Head> heads;
    vector<Ev> evs;
    size_t next = 0;
    arc_timeline_entry_t e;
};

void
prepare_enquire(Xapian::Enquire &enq, const XCursor *c)
{
    enq.set_query(c->query);
    switch (c->o.sort) {
    case ARC_SORT_NEWEST:
        enq.set_sort_by_value(XAPIAN_SLOT_ID, true);
        break;
    case ARC_SORT_OLDEST:
        enq.set_sort_by_value(XAPIAN_SLOT_ID, false);
        break;
    case ARC_SORT_RELEVANCE:
    default:
        enq.set_sort_by_relevance_then_value(XAPIAN_SLOT_ID, true);
        break;
    }
    if (c->o.collapse_story)
        enq.set_collapse_key(XAPIAN_SLOT_STORY);
}

/* The first 200 characters of s (UTF-8), like SQLite's substr(). */
string
first_chars(const string &s, size_t n)
{
    size_t i = 0, chars = 0;
    while (i < s.size() && chars < n) {
        unsigned char ch = (unsigned char)s[i];
        i += ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
        chars++;
    }
    return s.substr(0, std::min(i, s.size()));
}

void
fill_hit(XCursor *c, const Xapian::MSetIterator &it)
{
    Xapian::Document doc = it.get_document();
    Rec r(doc.get_data());
    arc_hit_t *h = &c->hit;

    memset(h, 0, sizeof *h);
    h->id = r.num('i');
    c->s_url = r.get('u');
    c->s_source = r.get('s');
    c->s_title = r.get('t');
    h->url = r.has('u') ? c->s_url.c_str() : nullptr;
    h->source = r.has('s') ? c->s_source.c_str() : nullptr;
    h->title = r.has('t') ? c->s_title.c_str() : nullptr;
    h->published = r.has('p') ? r.num('p') : ARC_TIME_NONE;
    h->story = r.num('T');
    h->score = it.get_weight();
    if (c->o.want_snippet) {
        if (c->has_text && !c->snip.empty()) {
            vector<arc_snip_term_t> terms;
            for (size_t i = 0; i < c->snip.size(); i++)
                terms.push_back({ c->snip[i].c_str(), c->snip[i].size(), c->snip_prefix[i] });
            const char *cols[3] = { r.cstr('t'), r.cstr('m'), r.cstr('b') };
            char *sn = Arc_snippet_make(c->db->xap->tok, terms.data(), terms.size(), cols,
                                        c->mark_open.c_str(), c->mark_close.c_str());
            if (!sn)
                throw std::bad_alloc();
            c->s_snippet = sn;
            free(sn);
            h->snippet = c->s_snippet.c_str();
        } else if (r.has('m') || r.has('b')) {
            c->s_snippet = first_chars(r.has('m') ? r.get('m') : r.get('b'), 200);
            h->snippet = c->s_snippet.c_str();
        }
    }
    if (c->o.want_body) {
        c->s_summary = r.get('m');
        c->s_body = r.get('b');
        c->s_lang = r.get('l');
        h->summary = r.has('m') ? c->s_summary.c_str() : nullptr;
        h->body = r.has('b') ? c->s_body.c_str() : nullptr;
        h->lang = r.has('l') ? c->s_lang.c_str() : nullptr;
    }
    for (int k = 0; k < 3; k++) {
        c->names[k].clear();
        c->ptrs[k].clear();
    }
    if (c->o.want_entities) {
        for (auto &e : r.all) {
            if (e.first != 'e')
                continue;
            vector<string> f = fields(e.second, 3);
            int kind = atoi(f[0].c_str());
            if (kind >= 0 && kind < 3)
                c->names[kind].push_back(f[2]);
        }
        for (int k = 0; k < 3; k++)
            for (const string &s : c->names[k])
                c->ptrs[k].push_back(s.c_str());
    }
    h->persons = c->ptrs[0].empty() ? nullptr : c->ptrs[0].data();
    h->n_persons = c->ptrs[0].size();
    h->places = c->ptrs[1].empty() ? nullptr : c->ptrs[1].data();
    h->n_places = c->ptrs[1].size();
    h->orgs = c->ptrs[2].empty() ? nullptr : c->ptrs[2].data();
    h->n_orgs = c->ptrs[2].size();
}

}  // namespace

/* ======================================================================
 * C entry points: reading
 * ====================================================================== */

extern "C" {

arc_status_t
Arc_xap_open(arc_db_t *db, arc_shard_spec_t *specs, size_t n, int flags)
{
    arc_status_t st;

    try {
        db->xap = new arc_xap();
        db->xap->flags = flags;
        for (size_t i = 0; i < n; i++) {
            Shard s;
            s.name = specs[i].name ? specs[i].name : "";
            if (specs[i].host) {
                s.host = specs[i].host;
                s.port = specs[i].port;
            } else {
                s.path = specs[i].path ? specs[i].path : "";
            }
            db->xap->shards.push_back(s);
        }
    } catch (...) {
        Arc_shard_specs_free(specs, n);
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    }
    Arc_shard_specs_free(specs, n);
    if (Arc_tok_open(&db->xap->tok))
        return Arc_db_error(db, ARC_E_DB, "SQLite's FTS5 tokenizer is not available");
    try {
        st = connect_all(db);
    } catch (const std::bad_alloc &) {
        st = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    } catch (...) {
        st = Arc_db_error(db, ARC_E_INTERNAL, "internal error while opening the shards");
    }
    return st;
}

void
Arc_xap_set_page(unsigned n)
{
    page_size = n ? n : 1000;
}

void
Arc_xap_close(arc_db_t *db)
{
    if (!db || !db->xap)
        return;
    Arc_tok_close(db->xap->tok);
    try {
        delete db->xap;
    } catch (...) {
    }
    db->xap = nullptr;
}

size_t
Arc_xap_unreachable(const arc_db_t *db, const char *const **names)
{
    const arc_xap *x = db->xap;
    if (names)
        *names = x->unreach_ptrs.empty() ? nullptr : x->unreach_ptrs.data();
    return x->unreach_ptrs.size();
}

arc_status_t
Arc_xap_search(arc_db_t *db, const arc_query_t *q, const arc_search_opts_t *opts,
               arc_cursor_t **out)
{
    XCursor *c = nullptr;
    arc_status_t st;

    *out = nullptr;
    try {
        c = new XCursor();
    } catch (...) {
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    }
    c->db = db;
    st = guarded(db, [&]() -> arc_status_t {
        Translation t;
        t.db = db;
        memset(&c->o, 0, sizeof c->o);
        if (opts)
            c->o = *opts;
        c->mark_open = opts && opts->mark_open ? opts->mark_open : "[";
        c->mark_close = opts && opts->mark_close ? opts->mark_close : "]";
        c->o.mark_open = c->o.mark_close = nullptr;
        c->o.source = nullptr;
        c->query = build_query(t, q, opts);
        c->snip = t.snip;
        c->snip_prefix = t.snip_prefix;
        c->has_text = !t.snip.empty();
        c->next = opts && opts->offset > 0 ? (Xapian::doccount)opts->offset : 0;
        c->end = opts && opts->limit > 0 ? c->next + (Xapian::doccount)opts->limit : 0;
        c->keyset = c->o.sort != ARC_SORT_RELEVANCE && !c->o.collapse_story;
        return ARC_OK;
    });
    if (st) {
        delete c;
        return st;
    }
    *out = reinterpret_cast<arc_cursor_t *>(c);
    return ARC_OK;
}

arc_status_t
Arc_xap_cursor_next(arc_cursor_t *cur, const arc_hit_t **hit)
{
    XCursor *c = reinterpret_cast<XCursor *>(cur);

    *hit = nullptr;
    if (c->done || (c->end && c->next >= c->end))
        return ARC_OK;
    return guarded(c->db, [&]() -> arc_status_t {
        if (!c->have_mset || c->next < c->mset_first
            || c->next >= c->mset_first + c->mset.size()) {
            Xapian::doccount want = std::min(page_size << std::min(c->pages, 5u), PAGE_MAX);
            Xapian::doccount off = c->next;
            if (c->end && c->end - c->next < want)
                want = c->end - c->next;
            c->have_mset = false;
            c->mset = Xapian::MSet();
            c->enq.reset(new Xapian::Enquire(c->db->xap->db));
            prepare_enquire(*c->enq, c);
            if (c->keyset && c->have_last) {
                Q after = c->o.sort == ARC_SORT_NEWEST
                    ? Q(Q::OP_VALUE_LE, XAPIAN_SLOT_ID, Xapian::sortable_serialise((double)(c->last_id - 1)))
                    : Q(Q::OP_VALUE_GE, XAPIAN_SLOT_ID, Xapian::sortable_serialise((double)(c->last_id + 1)));
                c->enq->set_query(Q(Q::OP_FILTER, c->query, after));
                off = 0;
            }
            c->mset = c->enq->get_mset(off, want);
            c->pages++;
            c->mset_first = c->next;
            c->have_mset = true;
            if (c->mset.empty()) {
                c->done = true;
                return ARC_OK;
            }
        }
        Xapian::MSetIterator it = c->mset[c->next - c->mset_first];
        fill_hit(c, it);
        c->last_id = c->hit.id;
        c->have_last = true;
        c->next++;
        *hit = &c->hit;
        return ARC_OK;
    });
}

void
Arc_xap_cursor_destroy(arc_cursor_t *cur)
{
    try {
        delete reinterpret_cast<XCursor *>(cur);
    } catch (...) {
    }
}

arc_status_t
Arc_xap_search_count(arc_db_t *db, const arc_query_t *q, const arc_search_opts_t *opts,
                     int64_t *count)
{
    *count = 0;
    return guarded(db, [&]() -> arc_status_t {
        Translation t;
        t.db = db;
        Q query = build_query(t, q, opts);
        Xapian::Database &d = db->xap->db;
        Xapian::Enquire enq(d);
        enq.set_query(query);
        enq.set_weighting_scheme(Xapian::BoolWeight());
        Xapian::MSet m = enq.get_mset(0, 0, d.get_doccount() + 1);
        *count = (int64_t)m.get_matches_lower_bound();
        return ARC_OK;
    });
}

arc_status_t
Arc_xap_facets(arc_db_t *db, const arc_query_t *q, const arc_search_opts_t *opts, int kind,
               int64_t with, int64_t limit, arc_entity_ref_t **out, size_t *n)
{
    *out = nullptr;
    *n = 0;
    return guarded(db, [&]() -> arc_status_t {
        Translation t;
        t.db = db;
        Q query = build_query(t, q, opts);
        std::map<string, Xapian::doccount> sets = spy_counts(db->xap->db, query, XAPIAN_SLOT_ENTS);
        struct Agg {
            int kind;
            string name;
            int64_t count;
        };
        std::map<int64_t, Agg> agg;
        for (auto &s : sets) {
            Rec r(s.first);
            vector<std::pair<int64_t, std::pair<int, string>>> ents;
            bool has_with = false;
            for (auto &e : r.all) {
                if (e.first != 'e')
                    continue;
                vector<string> f = fields(e.second, 3);
                int64_t id = strtoll(f[1].c_str(), nullptr, 10);
                if (id == with)
                    has_with = true;
                ents.push_back({ id, { atoi(f[0].c_str()), f[2] } });
            }
            if (with && !has_with)
                continue;
            std::set<int64_t> seen;
            for (auto &e : ents) {
                if (e.first == with || (kind >= 0 && e.second.first != kind) || !seen.insert(e.first).second)
                    continue;
                Agg &a = agg[e.first];
                a.kind = e.second.first;
                a.name = e.second.second;
                a.count += (int64_t)s.second;
            }
        }
        vector<std::pair<int64_t, Agg>> v(agg.begin(), agg.end());
        std::sort(v.begin(), v.end(), [](const std::pair<int64_t, Agg> &a,
                                         const std::pair<int64_t, Agg> &b) {
            if (a.second.count != b.second.count)
                return a.second.count > b.second.count;
            int c = strcmp(a.second.name.c_str(), b.second.name.c_str());
            if (c)
                return c < 0;
            return a.first < b.first;
        });
        if (limit > 0 && v.size() > (size_t)limit)
            v.resize((size_t)limit);
        if (v.empty())
            return ARC_OK;
        arc_entity_ref_t *r = (arc_entity_ref_t *)calloc(v.size(), sizeof *r);
        if (!r)
            throw std::bad_alloc();
        for (size_t i = 0; i < v.size(); i++) {
            r[i].id = v[i].first;
            r[i].kind = (arc_entity_kind_t)v[i].second.kind;
            r[i].count = v[i].second.count;
            r[i].name = strdup(v[i].second.name.c_str());
            if (!r[i].name) {
                arc_entity_refs_free(r, v.size());
                throw std::bad_alloc();
            }
        }
        *out = r;
        *n = v.size();
        return ARC_OK;
    });
}

arc_status_t
Arc_xap_histogram(arc_db_t *db, const arc_query_t *q, const arc_search_opts_t *opts,
                  arc_bucket_t by, arc_hist_bucket_t **out, size_t *n)
{
    *out = nullptr;
    *n = 0;
    return guarded(db, [&]() -> arc_status_t {
        Translation t;
        t.db = db;
        Q query = build_query(t, q, opts);
        std::map<string, Xapian::doccount> days = spy_counts(db->xap->db, query, XAPIAN_SLOT_DAY);
        std::map<int64_t, int64_t> per_day;
        for (auto &d : days)
            per_day[strtoll(d.first.c_str(), nullptr, 10)] += (int64_t)d.second;
        if (per_day.empty())
            return ARC_OK;
        int64_t first = per_day.begin()->first, last = per_day.rbegin()->first;
        vector<arc_hist_bucket_t> v;
        for (int64_t start = Arc_bucket_start(first, by); start <= last; start = Arc_bucket_next(start, by)) {
            int64_t end = Arc_bucket_next(start, by), c = 0;
            for (auto it = per_day.lower_bound(start); it != per_day.end() && it->first < end; ++it)
                c += it->second;
            v.push_back({ start * 86400, end * 86400, c });
        }
        arc_hist_bucket_t *b = (arc_hist_bucket_t *)malloc(v.size() * sizeof *b);
        if (!b)
            throw std::bad_alloc();
        memcpy(b, v.data(), v.size() * sizeof *b);
        *out = b;
        *n = v.size();
        return ARC_OK;
    });
}

arc_status_t
Arc_xap_story_matches(arc_db_t *db, const arc_query_t *q, const arc_search_opts_t *opts,
                      arc_story_match_t **out, size_t *n)
{
    *out = nullptr;
    *n = 0;
    return guarded(db, [&]() -> arc_status_t {
        Translation t;
        t.db = db;
        Q query = build_query(t, q, opts);
        Xapian::Database &d = db->xap->db;
        std::map<string, Xapian::doccount> vals = spy_counts(d, query, XAPIAN_SLOT_STORYDATE);
        struct M {
            int64_t n = 0, f = INT64_MAX, l = INT64_MIN;
        };
        std::map<int64_t, M> per;
        for (auto &v : vals) {
            vector<string> f = fields(v.first, 2);
            int64_t sid = strtoll(f[0].c_str(), nullptr, 10), date = strtoll(f[1].c_str(), nullptr, 10);
            if (!sid)
                continue;
            M &m = per[sid];
            m.n += (int64_t)v.second;
            m.f = std::min(m.f, date);
            m.l = std::max(m.l, date);
        }
        vector<arc_story_match_t> res;
        for (auto &p : per) {
            Xapian::Document doc;
            if (!find_doc(d, XAPIAN_Q_STORY + std::to_string(p.first), doc))
                continue;   /* its story document is on a shard that is down */
            Rec r(doc.get_data());
            arc_story_match_t m;
            memset(&m, 0, sizeof m);
            m.id = p.first;
            m.title = (char *)(r.has('t') ? r.cstr('t') : nullptr);  /* duplicated below */
            m.article_count = r.num('c');
            m.first_date = r.has('f') ? r.num('f') : ARC_TIME_NONE;
            m.last_date = r.has('l') ? r.num('l') : ARC_TIME_NONE;
            m.matches = p.second.n;
            m.first_match = p.second.f;
            m.last_match = p.second.l;
            m.title = m.title ? strdup(m.title) : nullptr;
            if (r.has('t') && !m.title) {
                for (auto &x : res)
                    free(x.title);
                throw std::bad_alloc();
            }
            res.push_back(m);
        }
        std::sort(res.begin(), res.end(), [](const arc_story_match_t &a, const arc_story_match_t &b) {
            if (a.matches != b.matches)
                return a.matches > b.matches;
            if (a.last_match != b.last_match)
                return a.last_match > b.last_match;
            return a.id < b.id;
        });
        size_t off = opts && opts->offset > 0 ? (size_t)opts->offset : 0;
        size_t lim = opts && opts->limit > 0 ? (size_t)opts->limit : res.size();
        vector<arc_story_match_t> page;
        for (size_t i = 0; i < res.size(); i++) {
            if (i >= off && i - off < lim)
                page.push_back(res[i]);
            else
                free(res[i].title);
        }
        if (page.empty())
            return ARC_OK;
        arc_story_match_t *m = (arc_story_match_t *)malloc(page.size() * sizeof *m);
        if (!m) {
            for (auto &x : page)
                free(x.title);
            throw std::bad_alloc();
        }
        memcpy(m, page.data(), page.size() * sizeof *m);
        *out = m;
        *n = page.size();
        return ARC_OK;
    });
}

arc_status_t
Arc_xap_timeline_open(arc_db_t *db, const arc_query_t *q, int64_t story,
                      const arc_search_opts_t *opts, arc_timeline_t **out)
{
    XTimeline *tl = nullptr;
    arc_status_t st;

    *out = nullptr;
    try {
        tl = new XTimeline();
    } catch (...) {
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    }
    tl->db = db;
    st = guarded(db, [&]() -> arc_status_t {
        Translation t;
        t.db = db;
        t.timeline = true;
        tl->heads.clear();
        tl->evs.clear();
        Q query = build_query(t, q, opts);
        if (story)
            query = Q(Q::OP_FILTER, query, Q("XT" + std::to_string(story)));
        std::map<string, Xapian::doccount> vals = spy_counts(db->xap->db, query, XAPIAN_SLOT_EVENTS);
        for (auto &v : vals) {
            Rec r(v.first);
            XTimeline::Head h{ r.num('i'), r.num('T'), r.get('s'), r.get('u'), r.get('t') };
            size_t hi = tl->heads.size();
            bool used = false;
            for (auto &e : r.all) {
                if (e.first != 'v')
                    continue;
                vector<string> f = fields(e.second, 6);
                XTimeline::Ev ev;
                ev.date = strtoll(f[0].c_str(), nullptr, 10);
                if ((t.since && ev.date < t.since) || (t.until && ev.date >= t.until))
                    continue;
                ev.gran = atoi(f[1].c_str());
                ev.from = atoi(f[2].c_str());
                ev.start = atoi(f[3].c_str());
                ev.end = atoi(f[4].c_str());
                ev.text = f[5];
                ev.head = hi;
                tl->evs.push_back(std::move(ev));
                used = true;
            }
            if (used)
                tl->heads.push_back(h);
        }
        const vector<XTimeline::Head> &heads = tl->heads;
        std::sort(tl->evs.begin(), tl->evs.end(), [&heads](const XTimeline::Ev &a,
                                                            const XTimeline::Ev &b) {
            if (a.date != b.date)
                return a.date < b.date;
            if (heads[a.head].id != heads[b.head].id)
                return heads[a.head].id < heads[b.head].id;
            return a.start < b.start;
        });
        size_t off = opts && opts->offset > 0 ? (size_t)opts->offset : 0;
        if (off >= tl->evs.size())
            tl->evs.clear();
        else if (off)
            tl->evs.erase(tl->evs.begin(), tl->evs.begin() + (long)off);
        if (opts && opts->limit > 0 && tl->evs.size() > (size_t)opts->limit)
            tl->evs.resize((size_t)opts->limit);
        return ARC_OK;
    });
    if (st) {
        delete tl;
        return st;
    }
    *out = reinterpret_cast<arc_timeline_t *>(tl);
    return ARC_OK;
}

arc_status_t
Arc_xap_timeline_next(arc_timeline_t *t, const arc_timeline_entry_t **e)
{
    XTimeline *tl = reinterpret_cast<XTimeline *>(t);

    *e = nullptr;
    if (tl->next >= tl->evs.size())
        return ARC_OK;
    const XTimeline::Ev &ev = tl->evs[tl->next++];
    const XTimeline::Head &h = tl->heads[ev.head];
    arc_timeline_entry_t *x = &tl->e;
    x->date = ev.date;
    x->granularity = (arc_granularity_t)ev.gran;
    x->text = ev.text.c_str();
    x->from_published = ev.from;
    x->article = h.id;
    x->source = h.source.empty() ? nullptr : h.source.c_str();
    x->url = h.url.c_str();
    x->title = h.title.c_str();
    x->start = ev.start;
    x->end = ev.end;
    x->story = h.story;
    *e = x;
    return ARC_OK;
}

void
Arc_xap_timeline_destroy(arc_timeline_t *t)
{
    try {
        delete reinterpret_cast<XTimeline *>(t);
    } catch (...) {
    }
}

arc_status_t
Arc_xap_entity_find(arc_db_t *db, int kind, const char *name, arc_entity_ref_t *out)
{
    memset(out, 0, sizeof *out);
    if (!name || !*name)
        return Arc_db_error(db, ARC_E_BAD_ARG, "no entity name given");
    return guarded(db, [&]() -> arc_status_t {
        Xapian::Database &d = db->xap->db;
        Xapian::Document doc;
        char *end;
        long long num = strtoll(name, &end, 10);
        bool found = false;

        if (*end == '\0' && num > 0) {
            found = find_doc(d, XAPIAN_Q_ENTITY + std::to_string(num), doc)
                    || find_doc(d, "XM" + std::to_string(num), doc);
            if (!found)
                return Arc_db_error(db, ARC_E_NOT_FOUND, "no entity with id %lld", num);
        } else {
            vector<int64_t> ids = entity_ids(d, kind, name);
            if (ids.empty())
                return entity_unknown(db, kind, name, 0);
            found = find_doc(d, XAPIAN_Q_ENTITY + std::to_string(ids[0]), doc);
            if (!found)
                return Arc_db_error(db, ARC_E_NOT_FOUND, "no entity with id %lld",
                                    (long long)ids[0]);
        }
        EntityDoc e = entity_of(doc);
        out->id = e.id;
        out->kind = (arc_entity_kind_t)e.kind;
        out->name = dup(e.name);
        return ARC_OK;
    });
}

arc_status_t
Arc_xap_article_get(arc_db_t *db, int64_t id, arc_article_t **out)
{
    *out = nullptr;
    return guarded(db, [&]() -> arc_status_t {
        Xapian::Document doc;
        if (!find_doc(db->xap->db, XAPIAN_Q_ARTICLE + std::to_string(id), doc))
            return Arc_db_error(db, ARC_E_NOT_FOUND, "no article with id %lld", (long long)id);
        Rec r(doc.get_data());
        arc_article_t *a = (arc_article_t *)calloc(1, sizeof *a);
        if (!a)
            throw std::bad_alloc();
        try {
            a->id = r.num('i');
            a->url = dup_or_null(r.cstr('u'));
            a->guid = dup_or_null(r.cstr('g'));
            a->source = dup_or_null(r.cstr('s'));
            a->source_site = dup_or_null(r.cstr('S'));
            a->title = dup_or_null(r.cstr('t'));
            a->byline = dup_or_null(r.cstr('y'));
            a->published = r.has('p') ? r.num('p') : ARC_TIME_NONE;
            a->published_src = dup_or_null(r.cstr('P'));
            a->published_raw = dup_or_null(r.cstr('r'));
            a->first_seen = r.num('f');
            a->updated = r.num('U');
            a->lang = dup_or_null(r.cstr('l'));
            a->summary = dup_or_null(r.cstr('m'));
            a->body = dup_or_null(r.cstr('b'));
            a->content_hash = dup_or_null(r.cstr('h'));
            a->capture = dup_or_null(r.cstr('c'));
            a->story = r.num('T');
            a->version = (int)r.num('v', 1);
        } catch (...) {
            arc_article_destroy(a);
            throw;
        }
        *out = a;
        return ARC_OK;
    });
}

arc_status_t
Arc_xap_story_get(arc_db_t *db, int64_t id, arc_story_t **out)
{
    *out = nullptr;
    return guarded(db, [&]() -> arc_status_t {
        Xapian::Document doc;
        if (!find_doc(db->xap->db, XAPIAN_Q_STORY + std::to_string(id), doc))
            return Arc_db_error(db, ARC_E_NOT_FOUND, "no story with id %lld", (long long)id);
        Rec r(doc.get_data());
        if (r.num('c') <= 0)
            return Arc_db_error(db, ARC_E_NOT_FOUND, "no story with id %lld", (long long)id);
        arc_story_t *s = (arc_story_t *)calloc(1, sizeof *s);
        if (!s)
            throw std::bad_alloc();
        s->id = id;
        s->title = r.has('t') ? strdup(r.cstr('t')) : nullptr;
        if (r.has('t') && !s->title) {
            free(s);
            throw std::bad_alloc();
        }
        s->first_date = r.num('f');
        s->last_date = r.num('l');
        s->updated = r.num('U');
        s->article_count = (int)r.num('c');
        *out = s;
        return ARC_OK;
    });
}

}  // extern "C"

/* ======================================================================
 * Writable shards and documents (for shards_sync.c)
 * ====================================================================== */

struct xap_wdb {
    Xapian::WritableDatabase db;
    string err;
};

struct xap_doc {
    Xapian::Document doc;
    bool failed = false;
};

namespace {

template <class F>
arc_status_t
wguard(xap_wdb_t *w, F &&f)
{
    try {
        f();
        return ARC_OK;
    } catch (const Xapian::NetworkError &e) {
        w->err = e.get_description();
        return ARC_E_NET;
    } catch (const Xapian::DatabaseLockError &e) {
        w->err = e.get_description();
        return ARC_E_BUSY;
    } catch (const Xapian::Error &e) {
        w->err = e.get_description();
        return ARC_E_IO;
    } catch (const std::bad_alloc &) {
        w->err = "out of memory";
        return ARC_E_NOMEM;
    } catch (const std::exception &e) {
        w->err = e.what();
        return ARC_E_INTERNAL;
    } catch (...) {
        w->err = "unknown exception";
        return ARC_E_INTERNAL;
    }
}

template <class F>
int
dguard(xap_doc_t *d, F &&f)
{
    if (d->failed)
        return -1;
    try {
        f();
        return 0;
    } catch (...) {
        d->failed = true;
        return -1;
    }
}

}  // namespace

extern "C" {

arc_status_t
Xap_wdb_open(const arc_shard_spec_t *spec, int overwrite, xap_wdb_t **out, char **msg)
{
    xap_wdb_t *w;
    arc_status_t st;

    *out = nullptr;
    if (msg)
        *msg = nullptr;
    try {
        w = new xap_wdb_t();
    } catch (...) {
        return ARC_E_NOMEM;
    }
    st = wguard(w, [&]() {
        if (spec->host)
            w->db = Xapian::Remote::open_writable(spec->host, spec->port, 0, CONNECT_TIMEOUT_MS);
        else
            w->db = Xapian::WritableDatabase(spec->path, overwrite ? Xapian::DB_CREATE_OR_OVERWRITE
                                                                   : Xapian::DB_CREATE_OR_OPEN);
    });
    if (st) {
        if (msg)
            *msg = strdup(w->err.c_str());
        delete w;
        return st;
    }
    *out = w;
    return ARC_OK;
}

const char *
Xap_wdb_errmsg(const xap_wdb_t *w)
{
    return w ? w->err.c_str() : "";
}

arc_status_t
Xap_wdb_meta_get(xap_wdb_t *w, const char *key, char **val)
{
    *val = nullptr;
    return wguard(w, [&]() { *val = dup(w->db.get_metadata(key)); });
}

arc_status_t
Xap_wdb_meta_set(xap_wdb_t *w, const char *key, const char *val)
{
    return wguard(w, [&]() { w->db.set_metadata(key, val); });
}

arc_status_t
Xap_wdb_clear(xap_wdb_t *w)
{
    return wguard(w, [&]() {
        vector<Xapian::docid> ids;
        for (Xapian::PostingIterator p = w->db.postlist_begin(""); p != w->db.postlist_end(""); ++p)
            ids.push_back(*p);
        for (Xapian::docid id : ids)
            w->db.delete_document(id);
    });
}

arc_status_t
Xap_wdb_replace(xap_wdb_t *w, const char *uterm, const xap_doc_t *d)
{
    if (d->failed) {
        w->err = "out of memory";
        return ARC_E_NOMEM;
    }
    return wguard(w, [&]() { w->db.replace_document(uterm, d->doc); });
}

arc_status_t
Xap_wdb_delete(xap_wdb_t *w, const char *term)
{
    return wguard(w, [&]() { w->db.delete_document(term); });
}

arc_status_t
Xap_wdb_commit(xap_wdb_t *w)
{
    return wguard(w, [&]() { w->db.commit(); });
}

void
Xap_wdb_close(xap_wdb_t *w)
{
    if (!w)
        return;
    try {
        /* closing discards what was not committed (no implicit commit) */
        w->db.close();
    } catch (...) {
    }
    try {
        delete w;
    } catch (...) {
    }
}

xap_doc_t *
Xap_doc_new(void)
{
    try {
        return new xap_doc_t();
    } catch (...) {
        return nullptr;
    }
}

void
Xap_doc_free(xap_doc_t *d)
{
    try {
        delete d;
    } catch (...) {
    }
}

int
Xap_doc_posting(xap_doc_t *d, const char *term, size_t len, unsigned pos, unsigned wdf)
{
    if (len == 0 || len > XAPIAN_MAX_TERM)
        return 0;
    return dguard(d, [&]() { d->doc.add_posting(string(term, len), pos, wdf); });
}

int
Xap_doc_term(xap_doc_t *d, const char *term, size_t len)
{
    if (len == 0 || len > XAPIAN_MAX_TERM)
        return 0;
    return dguard(d, [&]() { d->doc.add_boolean_term(string(term, len)); });
}

int
Xap_doc_value(xap_doc_t *d, unsigned slot, const char *v, size_t len)
{
    return dguard(d, [&]() { d->doc.add_value(slot, string(v, len)); });
}

int
Xap_doc_value_num(xap_doc_t *d, unsigned slot, double v)
{
    return dguard(d, [&]() { d->doc.add_value(slot, Xapian::sortable_serialise(v)); });
}

int
Xap_doc_data(xap_doc_t *d, const char *v, size_t len)
{
    return dguard(d, [&]() { d->doc.set_data(string(v, len)); });
}

int
Xap_doc_failed(const xap_doc_t *d)
{
    return d->failed;
}

}  // extern "C"
