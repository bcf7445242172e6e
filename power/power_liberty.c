/*
 * power_liberty — the part of a Liberty (.lib) file the gate-level
 * cross-check needs (power_gate.h): library units and supply, and per cell
 * its area, leakage, pins (direction, input capacitance, clock flag, logic
 * function, three-state condition), flip-flop / latch state and the
 * internal_power energy tables. The behavioural Verilog models written from
 * the cells' functions are power_lib_verilog.c.
 *
 * The file is read into a generic tree first — `name : value ;` simple
 * attributes, `name (args) ;` complex attributes and `name (args) { ... }`
 * groups, with comments and backslash-newline continuations — so unknown
 * statements are skipped whatever they hold; then the few attributes used
 * are taken from the tree. Every error names file:line and ends with a hint.
 */
#include "power_gate.h"
#include "power_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- generic tree ---- */

typedef struct lnode {
    char *name;
    char **args; /* group / complex attribute arguments, or the simple value (nargs 1) */
    int nargs;
    int group; /* 1 group, 0 attribute */
    int line;
    struct lnode *child, *next;
} lnode;

typedef struct {
    const char *s, *end;
    int line;
    const char *file;
    char **err;
} lexer;

static void lnode_free(lnode *n)
{
    while (n) {
        lnode *nx = n->next;
        lnode_free(n->child);
        free(n->name);
        for (int i = 0; i < n->nargs; i++)
            free(n->args[i]);
        free(n->args);
        free(n);
        n = nx;
    }
}

/* Skips blanks, newlines, comments and backslash-newline; 0 or AX_EFORMAT. */
static ax_result lex_skip(lexer *lx)
{
    while (lx->s < lx->end) {
        char c = *lx->s;
        if (c == '\n') {
            lx->line++;
            lx->s++;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
            lx->s++;
        } else if (c == '\\' && lx->s + 1 < lx->end && (lx->s[1] == '\n' || lx->s[1] == '\r')) {
            lx->s++;
        } else if (c == '/' && lx->s + 1 < lx->end && lx->s[1] == '*') {
            int l0 = lx->line;
            lx->s += 2;
            while (lx->s + 1 < lx->end && !(lx->s[0] == '*' && lx->s[1] == '/')) {
                if (*lx->s == '\n')
                    lx->line++;
                lx->s++;
            }
            if (lx->s + 1 >= lx->end)
                return ax_fail(lx->err, AX_EFORMAT,
                               "%s:%d: comment opened here is not closed (hint: a '*/' is missing)",
                               lx->file, l0);
            lx->s += 2;
        } else if (c == '/' && lx->s + 1 < lx->end && lx->s[1] == '/') {
            while (lx->s < lx->end && *lx->s != '\n')
                lx->s++;
        } else {
            break;
        }
    }
    return AX_OK;
}

static int is_punct(char c)
{
    return c == '(' || c == ')' || c == '{' || c == '}' || c == ':' || c == ';' || c == ',' ||
           c == '"';
}

/* A word or a quoted string into *out (malloc'd); AX_EFORMAT if neither. */
static ax_result lex_value(lexer *lx, char **out, const char *what)
{
    ax_result r = lex_skip(lx);
    if (r)
        return r;
    if (lx->s >= lx->end)
        return ax_fail(lx->err, AX_EFORMAT,
                       "%s:%d: end of file where %s was expected (hint: the file is truncated)",
                       lx->file, lx->line, what);
    if (*lx->s == '"') {
        const char *b = ++lx->s;
        int l0 = lx->line;
        while (lx->s < lx->end && *lx->s != '"') {
            if (*lx->s == '\n')
                lx->line++;
            lx->s++;
        }
        if (lx->s >= lx->end)
            return ax_fail(lx->err, AX_EFORMAT,
                           "%s:%d: string opened here is not closed (hint: a '\"' is missing)",
                           lx->file, l0);
        /* drop backslash-newline continuations inside strings */
        char *d = malloc((size_t)(lx->s - b) + 1);
        if (!d)
            return ax_fail(lx->err, AX_ENOMEM, "%s: out of memory", lx->file);
        size_t k = 0;
        for (const char *p = b; p < lx->s; p++) {
            if (*p == '\\' && p + 1 < lx->s && (p[1] == '\n' || p[1] == '\r'))
                continue;
            if (*p == '\n' || *p == '\r')
                continue;
            d[k++] = *p;
        }
        d[k] = 0;
        lx->s++;
        *out = d;
        return AX_OK;
    }
    const char *b = lx->s;
    while (lx->s < lx->end && !is_punct(*lx->s) && !isspace((unsigned char)*lx->s))
        lx->s++;
    if (lx->s == b)
        return ax_fail(lx->err, AX_EFORMAT,
                       "%s:%d: '%c' where %s was expected (hint: check the line for a stray "
                       "character)",
                       lx->file, lx->line, *lx->s, what);
    *out = power_strndup(b, (size_t)(lx->s - b));
    return *out ? AX_OK : ax_fail(lx->err, AX_ENOMEM, "%s: out of memory", lx->file);
}

static int lex_peek(lexer *lx, char c)
{
    if (lex_skip(lx))
        return 0;
    return lx->s < lx->end && *lx->s == c;
}

static ax_result parse_list(lexer *lx, lnode **head, int depth, int open_line,
                            const char *open_name);

/* One statement after its name. */
static ax_result parse_stmt(lexer *lx, lnode **out, int depth)
{
    lnode *n = calloc(1, sizeof *n);
    if (!n)
        return ax_fail(lx->err, AX_ENOMEM, "%s: out of memory", lx->file);
    *out = n;
    ax_result r = lex_value(lx, &n->name, "a statement name");
    if (r)
        return r;
    n->line = lx->line;
    if (lex_peek(lx, ':')) {
        lx->s++;
        /* the value: one or more words up to ';' (or the end of the line), joined by one space */
        char *val = NULL;
        int l0 = lx->line;
        for (;;) {
            if ((r = lex_skip(lx)))
                break;
            if (lx->s >= lx->end || *lx->s == ';' || *lx->s == '}' || lx->line != l0)
                break;
            char *w = NULL;
            if ((r = lex_value(lx, &w, "a value")))
                break;
            if (val) {
                char *j = malloc(strlen(val) + strlen(w) + 2);
                if (j)
                    sprintf(j, "%s %s", val, w);
                free(val);
                free(w);
                if (!(val = j)) {
                    r = ax_fail(lx->err, AX_ENOMEM, "%s: out of memory", lx->file);
                    break;
                }
            } else {
                val = w;
            }
        }
        if (!r && !val)
            r = ax_fail(lx->err, AX_EFORMAT,
                        "%s:%d: attribute '%s' has no value (hint: write `%s : value ;`)", lx->file,
                        l0, n->name, n->name);
        if (!r && !(n->args = malloc(sizeof *n->args)))
            r = ax_fail(lx->err, AX_ENOMEM, "%s: out of memory", lx->file);
        if (r) {
            free(val);
            return r;
        }
        if (lx->s < lx->end && *lx->s == ';')
            lx->s++;
        n->args[0] = val;
        n->nargs = 1;
        return AX_OK;
    }
    if (!lex_peek(lx, '('))
        return ax_fail(lx->err, AX_EFORMAT,
                       "%s:%d: expected ':' or '(' after '%s' (hint: Liberty statements are `name "
                       ": value ;`, "
                       "`name (args) ;` or `name (args) { ... }`)",
                       lx->file, lx->line, n->name);
    lx->s++;
    for (;;) {
        if (lex_peek(lx, ')')) {
            lx->s++;
            break;
        }
        char *a = NULL;
        if ((r = lex_value(lx, &a, "an argument or ')'")))
            return r;
        char **na = realloc(n->args, (size_t)(n->nargs + 1) * sizeof *na);
        if (!na) {
            free(a);
            return ax_fail(lx->err, AX_ENOMEM, "%s: out of memory", lx->file);
        }
        n->args = na;
        n->args[n->nargs++] = a;
        if (lex_peek(lx, ','))
            lx->s++;
        else if (!lex_peek(lx, ')'))
            return ax_fail(lx->err, AX_EFORMAT,
                           "%s:%d: expected ',' or ')' in the arguments of '%s' (hint: a ')' is "
                           "missing)",
                           lx->file, lx->line, n->name);
    }
    if (lex_peek(lx, '{')) {
        lx->s++;
        n->group = 1;
        return parse_list(lx, &n->child, depth + 1, n->line, n->name);
    }
    if (lex_peek(lx, ';'))
        lx->s++;
    return AX_OK;
}

/* Statements up to '}' (depth > 0) or the end of the file (depth 0). */
static ax_result parse_list(lexer *lx, lnode **head, int depth, int open_line,
                            const char *open_name)
{
    lnode **tail = head;
    for (;;) {
        ax_result r = lex_skip(lx);
        if (r)
            return r;
        if (lx->s >= lx->end) {
            if (depth > 0)
                return ax_fail(lx->err, AX_EFORMAT,
                               "%s:%d: group '%s' opened here is not closed (hint: a '}' is "
                               "missing)",
                               lx->file, open_line, open_name);
            return AX_OK;
        }
        if (*lx->s == '}') {
            if (depth == 0)
                return ax_fail(lx->err, AX_EFORMAT,
                               "%s:%d: '}' without a group to close (hint: remove it)", lx->file,
                               lx->line);
            lx->s++;
            return AX_OK;
        }
        if (*lx->s == ';') {
            lx->s++;
            continue;
        }
        if (depth > 64)
            return ax_fail(lx->err, AX_EFORMAT,
                           "%s:%d: groups nested too deeply (hint: the file is damaged)", lx->file,
                           lx->line);
        lnode *n = NULL;
        r = parse_stmt(lx, &n, depth);
        if (n) {
            *tail = n;
            tail = &n->next;
        }
        if (r)
            return r;
    }
}

/* ---- extraction ---- */

static const lnode *child(const lnode *g, const char *name)
{
    for (const lnode *c = g ? g->child : NULL; c; c = c->next)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

static const char *attr(const lnode *g, const char *name)
{
    const lnode *c = child(g, name);
    return c && !c->group && c->nargs == 1 ? c->args[0] : NULL;
}

static ax_result num(const char *file, const lnode *n, const char *s, double *out, char **err)
{
    char *e = NULL;
    errno = 0;
    double v = strtod(s, &e);
    while (e && isspace((unsigned char)*e))
        e++;
    if (e == s || (e && *e) || errno || !isfinite(v))
        return ax_fail(err, AX_EFORMAT,
                       "%s:%d: '%s': '%s' is not a number (hint: check the attribute's value)",
                       file, n->line, n->name, s);
    *out = v;
    return AX_OK;
}

static ax_result num_attr(const char *file, const lnode *g, const char *name, double *out,
                          int *found, char **err)
{
    const lnode *c = child(g, name);
    if (found)
        *found = c != NULL;
    if (!c)
        return AX_OK;
    if (c->group || c->nargs != 1)
        return ax_fail(err, AX_EFORMAT,
                       "%s:%d: '%s' should be `%s : number ;` (hint: check the statement)", file,
                       c->line, name, name);
    return num(file, c, c->args[0], out, err);
}

/* Comma/space-separated numbers of all args of a complex attribute. */
static ax_result num_list(const char *file, const lnode *c, double **out, int *n, char **err)
{
    size_t cap = 16;
    int k = 0;
    double *v = malloc(cap * sizeof *v);
    if (!v)
        return ax_fail(err, AX_ENOMEM, "%s: out of memory", file);
    for (int a = 0; c && a < c->nargs; a++) {
        const char *s = c->args[a];
        while (*s) {
            while (*s == ',' || isspace((unsigned char)*s))
                s++;
            if (!*s)
                break;
            char *e = NULL;
            errno = 0;
            double x = strtod(s, &e);
            if (e == s || errno || !isfinite(x)) {
                free(v);
                return ax_fail(err, AX_EFORMAT,
                               "%s:%d: '%s': '%.20s' is not a number (hint: a table holds "
                               "comma-separated numbers)",
                               file, c->line, c->name, s);
            }
            if ((size_t)k == cap) {
                cap *= 2;
                double *nv = realloc(v, cap * sizeof *nv);
                if (!nv) {
                    free(v);
                    return ax_fail(err, AX_ENOMEM, "%s: out of memory", file);
                }
                v = nv;
            }
            v[k++] = x;
            s = e;
        }
    }
    *out = v;
    *n = k;
    return AX_OK;
}

/* Unit strings "1nW", "1V", "1ns": the factor relative to the base unit given. */
static ax_result unit_scale(const char *file, const lnode *n, const char *s,
                            const char *const *names, const double *factors, int count, double *out,
                            char **err)
{
    char *e = NULL;
    double mult = strtod(s, &e);
    if (e == s)
        mult = 1, e = (char *)s;
    while (*e == ' ')
        e++;
    for (int i = 0; i < count; i++)
        if (!strcmp(e, names[i]) && mult > 0) {
            *out = mult * factors[i];
            return AX_OK;
        }
    return ax_fail(err, AX_EFORMAT,
                   "%s:%d: '%s': unit '%s' is not supported (hint: use one of %s%s%s%s)", file,
                   n->line, n->name, s, names[0], count > 1 ? ", " : "", count > 1 ? names[1] : "",
                   count > 2 ? ", ..." : "");
}

typedef struct {
    const char *name;
    int v1_load; /* variable_1 is the output load (else a slew) */
} tmpl;

static int var_is_load(const char *v)
{
    return v && strstr(v, "capacitance") != NULL;
}

static ax_result read_table(const power_lib *lib, const lnode *t, const tmpl *tm, int ntm,
                            power_lib_table *out, char **err)
{
    const char *file = lib->path;
    int v1_load = 0, found = 0;
    if (t->nargs >= 1)
        for (int i = 0; i < ntm; i++)
            if (!strcmp(tm[i].name, t->args[0])) {
                v1_load = tm[i].v1_load;
                found = 1;
            }
    if (t->nargs >= 1 && !found && strcmp(t->args[0], "scalar"))
        return ax_fail(err, AX_EFORMAT,
                       "%s:%d: table '%s' uses template '%s', which is not defined (hint: define "
                       "it with power_lut_template)",
                       file, t->line, t->name, t->args[0]);
    const lnode *a = child(t, "index_1"), *b = child(t, "index_2"), *v = child(t, "values");
    if (!v)
        return ax_fail(err, AX_EFORMAT,
                       "%s:%d: table '%s' has no values (hint: add values (\"...\"))", file,
                       t->line, t->name);
    int na = 1, nb = 1, nv = 0;
    ax_result r;
    /* what is read is owned by *out from here on, freed with the pin even on an error */
    if (a && (r = num_list(file, a, &out->i1, &na, err)))
        return r;
    if (b && (r = num_list(file, b, &out->i2, &nb, err)))
        return r;
    if ((r = num_list(file, v, &out->v, &nv, err)))
        return r;
    if (!a)
        na = 1;
    if (!b)
        nb = 1;
    if (na < 1 || nb < 1 || nv != na * nb)
        return ax_fail(err, AX_EFORMAT,
                       "%s:%d: table '%s' has %d values for %d x %d indexes (hint: values must "
                       "fill the table)",
                       file, v->line, t->name, nv, na, nb);
    for (int k = 1; a && k < na; k++)
        if (!(out->i1[k] > out->i1[k - 1]))
            return ax_fail(err, AX_EFORMAT,
                           "%s:%d: index_1 of '%s' is not increasing (hint: sort the index)", file,
                           a->line, t->name);
    for (int k = 1; b && k < nb; k++)
        if (!(out->i2[k] > out->i2[k - 1]))
            return ax_fail(err, AX_EFORMAT,
                           "%s:%d: index_2 of '%s' is not increasing (hint: sort the index)", file,
                           b->line, t->name);
    out->n1 = na;
    out->n2 = nb;
    out->load_first = v1_load;
    return AX_OK;
}

static void table_free(power_lib_table *t)
{
    free(t->i1), free(t->i2), free(t->v);
}

static void pin_free(power_lib_pin *p)
{
    free(p->function);
    free(p->three_state);
    for (int i = 0; i < p->nenergy; i++) {
        table_free(&p->energy[i].rise);
        table_free(&p->energy[i].fall);
    }
    free(p->energy);
}

void power_lib_free(power_lib *lib)
{
    if (!lib)
        return;
    for (int i = 0; i < lib->ncells; i++) {
        power_lib_cell *c = &lib->cells[i];
        for (int k = 0; k < c->npins; k++)
            pin_free(&c->pins[k]);
        free(c->pins);
        free(c->next_state), free(c->clocked_on), free(c->clear), free(c->preset);
    }
    free(lib->cells);
    free(lib);
}

static char *dup_or_null(const char *s)
{
    return s ? power_strdup(s) : NULL;
}

static ax_result read_pin(power_lib *lib, const lnode *pn, const tmpl *tm, int ntm,
                          power_lib_pin *p, const char *cell, char **err)
{
    const char *file = lib->path;
    if (pn->nargs != 1 || strlen(pn->args[0]) >= sizeof p->name)
        return ax_fail(err, AX_EFORMAT,
                       "%s:%d: cell %s: pin needs one name of < %zu characters (hint: pin(A) { ... "
                       "})",
                       file, pn->line, cell, sizeof p->name);
    snprintf(p->name, sizeof p->name, "%s", pn->args[0]);
    const char *dir = attr(pn, "direction");
    if (!dir)
        return ax_fail(err, AX_EFORMAT,
                       "%s:%d: cell %s pin %s has no direction (hint: direction : input ;)", file,
                       pn->line, cell, p->name);
    if (!strcmp(dir, "output"))
        p->output = 1;
    else if (!strcmp(dir, "input"))
        p->output = 0;
    else
        return ax_fail(err, AX_EUNSUPPORTED,
                       "%s:%d: cell %s pin %s: direction '%s' is not supported (hint: input or "
                       "output)",
                       file, pn->line, cell, p->name, dir);
    const char *ck = attr(pn, "clock");
    p->clock = ck && !strcmp(ck, "true");
    int found = 0;
    ax_result r = num_attr(file, pn, "capacitance", &p->cap_pf, &found, err);
    if (r)
        return r;
    if (!found && !p->output)
        return ax_fail(err, AX_EFORMAT,
                       "%s:%d: cell %s input pin %s has no capacitance (hint: capacitance : <pF> "
                       ";)",
                       file, pn->line, cell, p->name);
    if (p->cap_pf < 0)
        return ax_fail(err, AX_EFORMAT,
                       "%s:%d: cell %s pin %s: negative capacitance (hint: capacitance >= 0)", file,
                       pn->line, cell, p->name);
    p->cap_pf *= lib->cap_unit_pf;
    p->function = dup_or_null(attr(pn, "function"));
    p->three_state = dup_or_null(attr(pn, "three_state"));
    for (const lnode *ip = pn->child; ip; ip = ip->next) {
        if (!ip->group || strcmp(ip->name, "internal_power"))
            continue;
        power_lib_energy *ne = realloc(p->energy, (size_t)(p->nenergy + 1) * sizeof *ne);
        if (!ne)
            return ax_fail(err, AX_ENOMEM, "%s: out of memory", file);
        p->energy = ne;
        power_lib_energy *e = &p->energy[p->nenergy++];
        memset(e, 0, sizeof *e);
        const char *rel = attr(ip, "related_pin");
        snprintf(e->related, sizeof e->related, "%s", rel ? rel : "");
        const lnode *rp = NULL, *fp = NULL;
        for (const lnode *t = ip->child; t; t = t->next) {
            if (t->group && (!strcmp(t->name, "rise_power") || !strcmp(t->name, "power")))
                rp = t;
            if (t->group && (!strcmp(t->name, "fall_power") || !strcmp(t->name, "power")))
                fp = t;
        }
        if (!rp || !fp)
            return ax_fail(err, AX_EFORMAT,
                           "%s:%d: cell %s pin %s: internal_power without rise_power and "
                           "fall_power (hint: give both tables)",
                           file, ip->line, cell, p->name);
        if ((r = read_table(lib, rp, tm, ntm, &e->rise, err)) ||
            (r = read_table(lib, fp, tm, ntm, &e->fall, err)))
            return r;
    }
    return AX_OK;
}

static ax_result read_cell(power_lib *lib, const lnode *cn, const tmpl *tm, int ntm,
                           power_lib_cell *c, char **err)
{
    const char *file = lib->path;
    if (cn->nargs != 1 || strlen(cn->args[0]) >= sizeof c->name)
        return ax_fail(err, AX_EFORMAT,
                       "%s:%d: cell needs one name of < %zu characters (hint: cell(NAME) { ... })",
                       file, cn->line, sizeof c->name);
    snprintf(c->name, sizeof c->name, "%s", cn->args[0]);
    c->line = cn->line;
    ax_result r = num_attr(file, cn, "area", &c->area_um2, NULL, err);
    if (r)
        return r;
    int found = 0;
    if ((r = num_attr(file, cn, "cell_leakage_power", &c->leakage_nw, &found, err)))
        return r;
    if (found && lib->leak_unit_nw <= 0)
        return ax_fail(err, AX_EFORMAT,
                       "%s:%d: cell %s has cell_leakage_power but the library no "
                       "leakage_power_unit (hint: leakage_power_unit : \"1nW\" ;)",
                       file, cn->line, c->name);
    c->leakage_nw *= lib->leak_unit_nw;
    const lnode *ff = child(cn, "ff"), *la = child(cn, "latch");
    const lnode *st = ff ? ff : la;
    if (st) {
        c->seq = ff ? 1 : 2;
        if (st->nargs != 2)
            return ax_fail(err, AX_EFORMAT,
                           "%s:%d: cell %s: %s needs two state names (hint: ff (IQ, IQN) { ... })",
                           file, st->line, c->name, st->name);
        snprintf(c->iq, sizeof c->iq, "%s", st->args[0]);
        snprintf(c->iqn, sizeof c->iqn, "%s", st->args[1]);
        const char *ns = attr(st, ff ? "next_state" : "data_in");
        const char *co = attr(st, ff ? "clocked_on" : "enable");
        if (!ns || !co)
            return ax_fail(err, AX_EFORMAT, "%s:%d: cell %s: %s without %s (hint: add it)", file,
                           st->line, c->name, st->name,
                           ff ? "next_state and clocked_on" : "data_in and enable");
        c->next_state = dup_or_null(ns);
        c->clocked_on = dup_or_null(co);
        c->clear = dup_or_null(attr(st, "clear"));
        c->preset = dup_or_null(attr(st, "preset"));
    }
    for (const lnode *pn = cn->child; pn; pn = pn->next) {
        if (!pn->group || strcmp(pn->name, "pin"))
            continue;
        power_lib_pin *np = realloc(c->pins, (size_t)(c->npins + 1) * sizeof *np);
        if (!np)
            return ax_fail(err, AX_ENOMEM, "%s: out of memory", file);
        c->pins = np;
        memset(&c->pins[c->npins], 0, sizeof *np);
        c->npins++;
        if ((r = read_pin(lib, pn, tm, ntm, &c->pins[c->npins - 1], c->name, err)))
            return r;
    }
    return AX_OK;
}

ax_result power_lib_parse(const char *text, size_t len, const char *name, power_lib **out,
                          char **err)
{
    lexer lx = {text, text + len, 1, name, err};
    lnode *root = NULL;
    ax_result r = parse_list(&lx, &root, 0, 1, "");
    power_lib *lib = NULL;
    tmpl *tm = NULL;
    int ntm = 0;
    if (r)
        goto done;
    const lnode *L = root;
    while (L && !(L->group && !strcmp(L->name, "library")))
        L = L->next;
    if (!L) {
        r = ax_fail(err, AX_EFORMAT,
                    "%s:1: no library group (hint: a Liberty file is `library (name) { ... }`)",
                    name);
        goto done;
    }
    lib = calloc(1, sizeof *lib);
    if (!lib) {
        r = ax_fail(err, AX_ENOMEM, "%s: out of memory", name);
        goto done;
    }
    snprintf(lib->name, sizeof lib->name, "%s", L->nargs ? L->args[0] : "");
    snprintf(lib->path, sizeof lib->path, "%s", name);
    int found = 0;
    if ((r = num_attr(name, L, "nom_voltage", &lib->vdd_v, &found, err)))
        goto done;
    if (!found) {
        const lnode *oc = child(L, "operating_conditions");
        if ((r = num_attr(name, oc, "voltage", &lib->vdd_v, &found, err)))
            goto done;
    }
    if (!found || !(lib->vdd_v > 0)) {
        r = ax_fail(err, AX_EFORMAT,
                    "%s:%d: library %s has no positive nom_voltage (hint: nom_voltage : 1.8 ;)",
                    name, L->line, lib->name);
        goto done;
    }
    const char *vu = attr(L, "voltage_unit");
    double vscale = 1;
    if (vu) {
        static const char *const vn[] = {"V", "mV"};
        static const double vf[] = {1, 1e-3};
        if ((r = unit_scale(name, child(L, "voltage_unit"), vu, vn, vf, 2, &vscale, err)))
            goto done;
    }
    lib->vdd_v *= vscale;
    const lnode *cu = child(L, "capacitive_load_unit");
    if (!cu || cu->group || cu->nargs != 2) {
        r = ax_fail(err, AX_EFORMAT,
                    "%s:%d: library %s: capacitive_load_unit (n, pf|ff) missing or malformed "
                    "(hint: capacitive_load_unit (1,pf) ;)",
                    name, cu ? cu->line : L->line, lib->name);
        goto done;
    }
    double cn = 0;
    if ((r = num(name, cu, cu->args[0], &cn, err)))
        goto done;
    if (!strcasecmp(cu->args[1], "pf"))
        lib->cap_unit_pf = cn;
    else if (!strcasecmp(cu->args[1], "ff"))
        lib->cap_unit_pf = cn * 1e-3;
    else {
        r = ax_fail(err, AX_EFORMAT,
                    "%s:%d: capacitive_load_unit: unit '%s' is not supported (hint: pf or ff)",
                    name, cu->line, cu->args[1]);
        goto done;
    }
    if (!(lib->cap_unit_pf > 0)) {
        r = ax_fail(err, AX_EFORMAT,
                    "%s:%d: capacitive_load_unit must be > 0 (hint: capacitive_load_unit (1,pf) ;)",
                    name, cu->line);
        goto done;
    }
    /* internal energy = capacitance unit × voltage unit² */
    lib->energy_unit_pj = lib->cap_unit_pf * vscale * vscale;
    const char *lu = attr(L, "leakage_power_unit");
    if (lu) {
        static const char *const ln[] = {"nW", "pW", "uW", "mW", "W"};
        static const double lf[] = {1, 1e-3, 1e3, 1e6, 1e9};
        if ((r = unit_scale(name, child(L, "leakage_power_unit"), lu, ln, lf, 5, &lib->leak_unit_nw,
                            err)))
            goto done;
    }
    for (const lnode *g = L->child; g; g = g->next) {
        if (!g->group ||
            (strcmp(g->name, "power_lut_template") && strcmp(g->name, "lu_table_template")))
            continue;
        tmpl *nt = realloc(tm, (size_t)(ntm + 1) * sizeof *nt);
        if (!nt) {
            r = ax_fail(err, AX_ENOMEM, "%s: out of memory", name);
            goto done;
        }
        tm = nt;
        tm[ntm].name = g->nargs ? g->args[0] : "";
        tm[ntm].v1_load = var_is_load(attr(g, "variable_1"));
        ntm++;
    }
    for (const lnode *g = L->child; g; g = g->next) {
        if (!g->group || strcmp(g->name, "cell"))
            continue;
        power_lib_cell *nc = realloc(lib->cells, (size_t)(lib->ncells + 1) * sizeof *nc);
        if (!nc) {
            r = ax_fail(err, AX_ENOMEM, "%s: out of memory", name);
            goto done;
        }
        lib->cells = nc;
        memset(&lib->cells[lib->ncells], 0, sizeof *nc);
        lib->ncells++;
        if ((r = read_cell(lib, g, tm, ntm, &lib->cells[lib->ncells - 1], err)))
            goto done;
    }
    if (lib->ncells == 0)
        r = ax_fail(err, AX_EFORMAT,
                    "%s:%d: library %s has no cells (hint: is this the right file?)", name, L->line,
                    lib->name);
done:
    lnode_free(root);
    free(tm);
    if (r) {
        power_lib_free(lib);
        return r;
    }
    *out = lib;
    return AX_OK;
}

ax_result power_lib_load(const char *path, power_lib **out, char **err)
{
    char *buf = NULL;
    size_t n = 0;
    ax_result r = power_read_file(path, (size_t)256 << 20, "Liberty library",
                                  "make deps extracts the OSU018 liberty", &buf, &n, err);
    if (r)
        return r;
    r = power_lib_parse(buf, n, path, out, err);
    free(buf);
    return r;
}

const power_lib_cell *power_lib_cell_find(const power_lib *lib, const char *name)
{
    for (int i = 0; lib && i < lib->ncells; i++)
        if (!strcmp(lib->cells[i].name, name))
            return &lib->cells[i];
    return NULL;
}

const power_lib_pin *power_lib_pin_find(const power_lib_cell *c, const char *name)
{
    for (int i = 0; c && i < c->npins; i++)
        if (!strcmp(c->pins[i].name, name))
            return &c->pins[i];
    return NULL;
}

/* Position of x in an increasing index: segment k and fraction t, clamped. */
static void locate(const double *idx, int n, double x, int *k, double *t)
{
    if (n <= 1 || !idx) {
        *k = 0;
        *t = 0;
        return;
    }
    if (x <= idx[0]) {
        *k = 0;
        *t = 0;
        return;
    }
    if (x >= idx[n - 1]) {
        *k = n - 2;
        *t = 1;
        return;
    }
    int i = 0;
    while (i < n - 2 && x > idx[i + 1])
        i++;
    *k = i;
    *t = (x - idx[i]) / (idx[i + 1] - idx[i]);
}

double power_lib_energy_at(const power_lib *lib, const power_lib_energy *e, int rise,
                           double load_pf, double slew_ns)
{
    const power_lib_table *t = rise ? &e->rise : &e->fall;
    int n1 = t->n1, n2 = t->n2;
    const double *v = t->v;
    double load = load_pf / lib->cap_unit_pf; /* table units */
    double x1 = t->load_first ? load : slew_ns, x2 = t->load_first ? slew_ns : load;
    int k1, k2;
    double t1, t2;
    locate(t->i1, n1, x1, &k1, &t1);
    locate(t->i2, n2, x2, &k2, &t2);
    int k1b = n1 > 1 ? k1 + 1 : k1, k2b = n2 > 1 ? k2 + 1 : k2;
    double a = v[k1 * n2 + k2], b = v[k1 * n2 + k2b], c = v[k1b * n2 + k2], d = v[k1b * n2 + k2b];
    double val = (1 - t1) * ((1 - t2) * a + t2 * b) + t1 * ((1 - t2) * c + t2 * d);
    return val * lib->energy_unit_pj;
}
