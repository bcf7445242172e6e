/*
 * power_gate — gate-level switching energy from a mapped netlist and a VCD
 * (power_gate.h, docs/power.md "Gate-level cross-check").
 *
 * Per net bit n with T_n transitions (R_n rising, F_n falling):
 *   switching  E_sw = ½ · C_n · V² · T_n,
 *              C_n  = Σ input-pin capacitances on n (Liberty) + wire,
 *              wire = wire_pf_per_net + wire_pf_per_fanout · fanout (assumed);
 *   internal   E_int = R_n · e_rise(C_n, slew) + F_n · e_fall(C_n, slew) of the
 *              driving output pin's internal_power tables (mean over its
 *              related pins), plus, for every input pin with a passive table
 *              (flip-flop CLK and D), its rise/fall energy per transition.
 * ½·C·V² per transition is the energy dissipated in charging (rising) or
 * discharging (falling) a node of capacitance C: J. M. Rabaey et al., Digital
 * Integrated Circuits, 2nd ed., §5.5. Glitches are not seen (the VCD of a
 * zero-delay simulation holds settled values only).
 * Clock: the clock net, and in a clock-gated netlist the cells of every clock
 * gate (an instance path with `u_icg.`, rtl/axon_icg.sv) with the nets they
 * drive (the inverted clock, the latched enable, the gated clock): their
 * switching, their cells' internal energy and every input-pin energy on them
 * (the flip-flops' CLK pins, the gate's own pins) count as clock.
 */
#include "power_gate.h"
#include "power_int.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    double load_pf; /* input pins */
    int fanout;
    int drv_cell; /* index of the driving cell, -1: port / black box */
    int drv_pin;  /* pin index in the Liberty cell */
    int comp;     /* component of the driver */
    int counted;  /* matched to a VCD variable */
    int8_t val;   /* last value: 0, 1, -1 unknown */
    uint64_t rise, fall;
} gbit;

typedef struct {
    const power_lib_cell *lc; /* NULL: black box */
    int comp;
    int cg;       /* a cell of a clock gate (instance path contains "u_icg.") */
    int *pin_bit; /* per Liberty pin: bit id, -1 constant/unconnected */
} gcell;

typedef struct {
    char *name;
    int *bits; /* -1 constant */
    int width;
} gnet;

struct power_gate_netlist {
    char path[256];
    gbit *bits;
    int nbits;
    gcell *cells;
    int ncells;
    gnet *nets;
    int nnets;
    int *byname; /* net indices sorted by name (net_find bisects; the VCD of a
                  * 128x128 core declares tens of thousands of nets) */
    char comp[POWER_GATE_NCOMP][32];
    int ncomp;
};

static int comp_index(power_gate_netlist *nl, const char *name)
{
    for (int i = 0; i < nl->ncomp; i++)
        if (!strcmp(nl->comp[i], name))
            return i;
    if (nl->ncomp == POWER_GATE_NCOMP)
        return POWER_GATE_NCOMP - 1; /* the last slot collects the rest */
    snprintf(nl->comp[nl->ncomp], sizeof nl->comp[0], "%s", name);
    return nl->ncomp++;
}

/* "$flatten\\u_acc.$abc$..." or "u_acc.x" -> "u_acc"; other private names
 * ("$abc$...", which may hold dots) and plain names -> "top". */
static void comp_of(const char *cell, char *out, size_t n)
{
    const char *s = cell;
    if (!strncmp(s, "$flatten\\", 9))
        s += 9;
    else if (*s == '$')
        s = "";
    else if (*s == '\\')
        s++;
    const char *dot = strchr(s, '.');
    if (!dot || dot == s) {
        snprintf(out, n, "top");
        return;
    }
    size_t k = (size_t)(dot - s);
    if (k >= n)
        k = n - 1;
    memcpy(out, s, k);
    out[k] = 0;
}

void power_gate_netlist_free(power_gate_netlist *nl)
{
    if (!nl)
        return;
    for (int i = 0; i < nl->ncells; i++)
        free(nl->cells[i].pin_bit);
    for (int i = 0; i < nl->nnets; i++) {
        free(nl->nets[i].name);
        free(nl->nets[i].bits);
    }
    free(nl->cells);
    free(nl->nets);
    free(nl->byname);
    free(nl->bits);
    free(nl);
}

typedef struct {
    const char *name;
    int index;
} gname;
static int gname_cmp(const void *a, const void *b)
{
    return strcmp(((const gname *)a)->name, ((const gname *)b)->name);
}

size_t power_gate_netlist_cells(const power_gate_netlist *nl)
{
    return (size_t)nl->ncells;
}

/* Bit ids of a JSON bits array ("0"/"1"/"x"/"z" constants -> -1). */
static int json_bits(const cJSON *a, int **out, int *width, int *maxbit)
{
    int n = cJSON_GetArraySize(a);
    int *b = malloc((size_t)(n > 0 ? n : 1) * sizeof *b);
    if (!b)
        return -1;
    for (int i = 0; i < n; i++) {
        const cJSON *x = cJSON_GetArrayItem(a, i);
        if (cJSON_IsNumber(x) && x->valuedouble >= 0 && x->valuedouble < 1e9) {
            b[i] = (int)x->valuedouble;
            if (b[i] > *maxbit)
                *maxbit = b[i];
        } else if (cJSON_IsString(x)) {
            b[i] = -1;
        } else {
            free(b);
            return -2;
        }
    }
    *out = b;
    *width = n;
    return 0;
}

static int in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *s = list; s && *s;) {
        const char *e = strchr(s, ',');
        size_t k = e ? (size_t)(e - s) : strlen(s);
        if (k == n && !strncmp(s, name, n))
            return 1;
        s = e ? e + 1 : s + k;
    }
    return 0;
}

ax_result power_gate_netlist_load(const char *json_path, const char *top, const power_lib *lib,
                                  const char *blackboxes, power_gate_netlist **out, char **err)
{
    size_t len = 0;
    char *text = NULL;
    ax_result rr = power_read_file(json_path, (size_t)1 << 30, "yosys JSON netlist",
                                   "make gate-power writes it", &text, &len, err);
    if (rr)
        return rr;
    cJSON *root = cJSON_ParseWithLength(text, len);
    free(text);
    ax_result r = AX_OK;
    power_gate_netlist *nl = NULL;
    if (!root)
        return ax_fail(err, AX_EFORMAT, "%s: not valid JSON (hint: write it with yosys write_json)",
                       json_path);
    const cJSON *mods = cJSON_GetObjectItemCaseSensitive(root, "modules"), *mod = NULL;
    if (!cJSON_IsObject(mods)) {
        r = ax_fail(err, AX_EFORMAT,
                    "%s: no \"modules\" object (hint: write it with yosys write_json)", json_path);
        goto done;
    }
    if (top)
        mod = cJSON_GetObjectItemCaseSensitive(mods, top);
    else if (cJSON_GetArraySize(mods) == 1)
        mod = mods->child;
    if (!cJSON_IsObject(mod)) {
        r = ax_fail(err, AX_EFORMAT,
                    "%s: module '%s' not found (hint: flatten the design and name its top)",
                    json_path, top ? top : "(the only one)");
        goto done;
    }
    nl = calloc(1, sizeof *nl);
    if (!nl) {
        r = ax_fail(err, AX_ENOMEM, "%s: out of memory", json_path);
        goto done;
    }
    snprintf(nl->path, sizeof nl->path, "%s", json_path);
    comp_index(nl, "ports");
    const cJSON *cells = cJSON_GetObjectItemCaseSensitive(mod, "cells");
    const cJSON *nets = cJSON_GetObjectItemCaseSensitive(mod, "netnames");
    if (!cJSON_IsObject(cells) || !cJSON_IsObject(nets)) {
        r = ax_fail(err, AX_EFORMAT,
                    "%s: module without \"cells\" or \"netnames\" (hint: write it with yosys "
                    "write_json)",
                    json_path);
        goto done;
    }
    int maxbit = 1;
    nl->nnets = cJSON_GetArraySize(nets);
    nl->nets = calloc((size_t)nl->nnets + 1, sizeof *nl->nets);
    if (!nl->nets) {
        r = ax_fail(err, AX_ENOMEM, "%s: out of memory", json_path);
        goto done;
    }
    int k = 0;
    for (const cJSON *n = nets->child; n; n = n->next, k++) {
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(n, "bits");
        nl->nets[k].name = power_strdup(n->string);
        if (!nl->nets[k].name) {
            r = ax_fail(err, AX_ENOMEM, "%s: out of memory", json_path);
            goto done;
        }
        if (!cJSON_IsArray(b) || json_bits(b, &nl->nets[k].bits, &nl->nets[k].width, &maxbit)) {
            r = ax_fail(err, AX_EFORMAT,
                        "%s: net '%s': bad \"bits\" (hint: write it with yosys write_json)",
                        json_path, n->string);
            goto done;
        }
    }
    {
        gname *idx = malloc((size_t)(nl->nnets + 1) * sizeof *idx);
        nl->byname = malloc((size_t)(nl->nnets + 1) * sizeof *nl->byname);
        if (!idx || !nl->byname) {
            free(idx);
            r = ax_fail(err, AX_ENOMEM, "%s: out of memory", json_path);
            goto done;
        }
        for (int i = 0; i < nl->nnets; i++)
            idx[i].name = nl->nets[i].name, idx[i].index = i;
        qsort(idx, (size_t)nl->nnets, sizeof *idx, gname_cmp);
        for (int i = 0; i < nl->nnets; i++)
            nl->byname[i] = idx[i].index;
        free(idx);
    }
    nl->nbits = maxbit + 1;
    nl->bits = calloc((size_t)nl->nbits, sizeof *nl->bits);
    nl->ncells = cJSON_GetArraySize(cells);
    nl->cells = calloc((size_t)nl->ncells + 1, sizeof *nl->cells);
    if (!nl->bits || !nl->cells) {
        r = ax_fail(err, AX_ENOMEM, "%s: out of memory", json_path);
        goto done;
    }
    for (int i = 0; i < nl->nbits; i++) {
        nl->bits[i].drv_cell = -1;
        nl->bits[i].comp = 0;
        nl->bits[i].val = -1;
    }
    k = 0;
    for (const cJSON *c = cells->child; c; c = c->next, k++) {
        gcell *g = &nl->cells[k];
        const cJSON *ty = cJSON_GetObjectItemCaseSensitive(c, "type");
        const cJSON *conn = cJSON_GetObjectItemCaseSensitive(c, "connections");
        if (!cJSON_IsString(ty) || !cJSON_IsObject(conn)) {
            r = ax_fail(err, AX_EFORMAT,
                        "%s: cell '%s' without type or connections (hint: write it with yosys "
                        "write_json)",
                        json_path, c->string);
            goto done;
        }
        char cname[32];
        comp_of(c->string, cname, sizeof cname);
        g->comp = comp_index(nl, cname);
        g->cg = strstr(c->string, "u_icg.") != NULL;
        g->lc = power_lib_cell_find(lib, ty->valuestring);
        if (!g->lc) {
            if (in_list(blackboxes, ty->valuestring)) {
                /* black box: its outputs are driven from outside the logic; they
                 * form a component named after the instance */
                int bc = comp_index(nl, c->string[0] == '\\' ? c->string + 1 : c->string);
                const cJSON *dirs = cJSON_GetObjectItemCaseSensitive(c, "port_directions");
                for (const cJSON *pc = conn->child; pc; pc = pc->next) {
                    const cJSON *d = cJSON_GetObjectItemCaseSensitive(dirs, pc->string);
                    int *bb = NULL, w = 0, mb = 0;
                    if (json_bits(pc, &bb, &w, &mb)) {
                        r = ax_fail(err, AX_EFORMAT, "%s: cell '%s' pin %s: bad bits", json_path,
                                    c->string, pc->string);
                        goto done;
                    }
                    if (cJSON_IsString(d) && !strcmp(d->valuestring, "output"))
                        for (int j = 0; j < w; j++)
                            if (bb[j] >= 0 && bb[j] < nl->nbits)
                                nl->bits[bb[j]].drv_cell = -1, nl->bits[bb[j]].comp = bc;
                    free(bb);
                }
                continue;
            }
            r = ax_fail(err, AX_ENOTFOUND,
                        "%s: cell '%s' has type '%s', which is not a cell of %s (hint: map the "
                        "design "
                        "to this liberty, or name the module in the black boxes)",
                        json_path, c->string, ty->valuestring, lib->path);
            goto done;
        }
        g->pin_bit = malloc((size_t)(g->lc->npins > 0 ? g->lc->npins : 1) * sizeof *g->pin_bit);
        if (!g->pin_bit) {
            r = ax_fail(err, AX_ENOMEM, "%s: out of memory", json_path);
            goto done;
        }
        for (int p = 0; p < g->lc->npins; p++)
            g->pin_bit[p] = -1;
        for (const cJSON *pc = conn->child; pc; pc = pc->next) {
            int pi = -1;
            for (int p = 0; p < g->lc->npins; p++)
                if (!strcmp(g->lc->pins[p].name, pc->string))
                    pi = p;
            int *bb = NULL, w = 0, mb = 0;
            if (pi < 0 || json_bits(pc, &bb, &w, &mb) || w != 1) {
                free(bb);
                r = ax_fail(err, AX_EFORMAT,
                            "%s: cell '%s' (%s): pin '%s' is not a one-bit pin of the liberty cell "
                            "(hint: netlist and liberty do not match)",
                            json_path, c->string, g->lc->name, pc->string);
                goto done;
            }
            int b = bb[0];
            free(bb);
            g->pin_bit[pi] = b;
            if (b < 0 || b >= nl->nbits)
                continue;
            const power_lib_pin *lp = &g->lc->pins[pi];
            if (lp->output) {
                if (nl->bits[b].drv_cell >= 0) {
                    r = ax_fail(err, AX_EFORMAT,
                                "%s: net bit %d has two drivers (cell '%s' and another) (hint: the "
                                "netlist is not a clean mapped netlist)",
                                json_path, b, c->string);
                    goto done;
                }
                nl->bits[b].drv_cell = k;
                nl->bits[b].drv_pin = pi;
                nl->bits[b].comp = g->comp;
            } else {
                nl->bits[b].load_pf += lp->cap_pf;
                nl->bits[b].fanout++;
            }
        }
    }
done:
    cJSON_Delete(root);
    if (r) {
        power_gate_netlist_free(nl);
        return r;
    }
    *out = nl;
    return AX_OK;
}

/* ---- VCD ---- */

typedef struct {
    char *code;
    int width;
    int *bits;   /* width entries, index 0 = lsb; -1 unmatched */
    int8_t *val; /* last value per bit */
} vvar;

static unsigned hash_s(const char *s, size_t n)
{
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* The net named name (JSON object keys are unique), -1 if none: bisection of byname. */
static int net_find(const power_gate_netlist *nl, const char *name)
{
    int lo = 0, hi = nl->nnets - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int c = strcmp(nl->nets[nl->byname[mid]].name, name);
        if (!c)
            return nl->byname[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* Applies value string v (MSB first, width-extended) to variable x. */
static void vcd_apply(power_gate_netlist *nl, vvar *x, const char *v, size_t n)
{
    char ext = n && (v[0] == 'x' || v[0] == 'X' || v[0] == 'z' || v[0] == 'Z') ? 'x' : '0';
    for (int i = 0; i < x->width; i++) {
        /* bit i (lsb = 0) is character n-1-i */
        char c = (size_t)i < n ? v[n - 1 - (size_t)i] : ext;
        int8_t nv = c == '0' ? 0 : c == '1' ? 1 : -1;
        int8_t ov = x->val[i];
        x->val[i] = nv;
        int b = x->bits[i];
        if (b < 0 || ov < 0 || nv < 0 || ov == nv)
            continue;
        if (nv)
            nl->bits[b].rise++;
        else
            nl->bits[b].fall++;
    }
}

ax_result power_gate_vcd_count(power_gate_netlist *nl, const char *vcd_path, const char *scope,
                               size_t *matched, char **err)
{
    FILE *f = fopen(vcd_path, "r");
    if (!f)
        return ax_fail(err, AX_EIO, "%s: cannot open: %s (hint: the simulation writes it)",
                       vcd_path, strerror(errno));
    size_t cap = 1024; /* open-addressing table of the matched codes: > 2 x the nets */
    while (cap < 2 * (size_t)nl->nnets + 16)
        cap *= 2;
    vvar *vars = NULL;
    int nvars = 0, capv = 0;
    int *tab = calloc(cap, sizeof *tab); /* hash of codes -> var index + 1 */
    char *line = NULL;
    size_t lcap = 0;
    ssize_t ln;
    long lineno = 0;
    ax_result r = AX_OK;
    char stack[64][64];
    int depth = 0, in_defs = 1;
    size_t nmatch = 0;
    for (int i = 0; i < nl->nbits; i++)
        nl->bits[i].counted = 0;
    if (!tab) {
        fclose(f);
        return ax_fail(err, AX_ENOMEM, "%s: out of memory", vcd_path);
    }
    while ((ln = getline(&line, &lcap, f)) > 0) {
        lineno++;
        while (ln > 0 && (line[ln - 1] == '\n' || line[ln - 1] == '\r'))
            line[--ln] = 0;
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            continue;
        if (in_defs) {
            /* $var TYPE WIDTH CODE NAME [RANGE] $end; $scope TYPE NAME $end */
            char kw[32] = "", a1[64] = "", a2[64] = "", code[64] = "", name[256] = "";
            int nf = sscanf(s, "%31s %63s %63s %63s %255s", kw, a1, a2, code, name);
            if (!strcmp(kw, "$scope") && nf >= 3) {
                if (depth < 64)
                    snprintf(stack[depth], sizeof stack[0], "%s", a2);
                depth++;
            } else if (!strcmp(kw, "$upscope")) {
                if (depth == 0) {
                    r = ax_fail(err, AX_EFORMAT,
                                "%s:%ld: $upscope without $scope (hint: the VCD is damaged)",
                                vcd_path, lineno);
                    break;
                }
                depth--;
            } else if (!strcmp(kw, "$enddefinitions")) {
                in_defs = 0;
            } else if (!strcmp(kw, "$var")) {
                /* $var wire 32 # name [31:0] $end */
                char *e = NULL;
                long w = strtol(a2, &e, 10);
                if (nf < 5 || *e || w < 1 || w > 1 << 20) {
                    r = ax_fail(err, AX_EFORMAT,
                                "%s:%ld: malformed $var (hint: $var wire WIDTH CODE NAME $end)",
                                vcd_path, lineno);
                    break;
                }
                if (depth < 1 || depth > 64 || strcmp(stack[depth - 1], scope))
                    continue;
                int ni = net_find(nl, name);
                if (ni < 0)
                    continue;
                if (nl->nets[ni].width != w) {
                    r = ax_fail(err, AX_EMISMATCH,
                                "%s:%ld: '%s' is %ld bits wide in the VCD, %d in the netlist %s "
                                "(hint: simulate the netlist that was loaded)",
                                vcd_path, lineno, name, w, nl->nets[ni].width, nl->path);
                    break;
                }
                if (nvars == capv) {
                    capv = capv ? 2 * capv : 1024;
                    vvar *nv = realloc(vars, (size_t)capv * sizeof *nv);
                    if (!nv) {
                        r = ax_fail(err, AX_ENOMEM, "%s: out of memory", vcd_path);
                        break;
                    }
                    vars = nv;
                }
                vvar *x = &vars[nvars];
                memset(x, 0, sizeof *x);
                x->code = power_strdup(code);
                x->bits = malloc((size_t)w * sizeof *x->bits);
                x->val = malloc((size_t)w);
                if (!x->code || !x->bits || !x->val) {
                    free(x->code), free(x->bits), free(x->val);
                    r = ax_fail(err, AX_ENOMEM, "%s: out of memory", vcd_path);
                    break;
                }
                x->width = (int)w;
                for (int i = 0; i < w; i++) {
                    int b = nl->nets[ni].bits[i];
                    /* a bit seen under two names is counted once */
                    if (b >= 0 && b < nl->nbits && !nl->bits[b].counted) {
                        nl->bits[b].counted = 1;
                        x->bits[i] = b;
                    } else {
                        x->bits[i] = -1;
                    }
                    x->val[i] = -1;
                }
                nvars++;
                nmatch++;
                /* several variables may share a code: chain by probing */
                unsigned h = hash_s(code, strlen(code)) & (unsigned)(cap - 1);
                size_t probes = 0;
                while (tab[h] && probes++ < cap)
                    h = (h + 1) & (unsigned)(cap - 1);
                if (probes >= cap) {
                    r = ax_fail(err, AX_EUNSUPPORTED,
                                "%s:%ld: more than %zu matched variables (hint: simulate a smaller "
                                "core)",
                                vcd_path, lineno, cap);
                    break;
                }
                tab[h] = nvars;
            }
            continue;
        }
        /* value changes */
        const char *v = NULL, *code = NULL;
        size_t vn = 0;
        if (*s == '#' || *s == '$')
            continue;
        if (*s == '0' || *s == '1' || *s == 'x' || *s == 'X' || *s == 'z' || *s == 'Z') {
            v = s;
            vn = 1;
            code = s + 1;
        } else if (*s == 'b' || *s == 'B') {
            char *sp = strchr(s, ' ');
            if (!sp) {
                r = ax_fail(err, AX_EFORMAT,
                            "%s:%ld: vector value without a code (hint: the VCD is damaged)",
                            vcd_path, lineno);
                break;
            }
            v = s + 1;
            vn = (size_t)(sp - v);
            code = sp + 1;
            while (*code == ' ')
                code++;
        } else if (*s == 'r' || *s == 'R' || *s == 's' || *s == 'S') {
            continue;
        } else {
            r = ax_fail(err, AX_EFORMAT, "%s:%ld: unexpected '%.20s' (hint: the VCD is damaged)",
                        vcd_path, lineno, s);
            break;
        }
        unsigned h = hash_s(code, strlen(code)) & (unsigned)(cap - 1);
        for (size_t probes = 0; tab[h] && probes < cap; probes++) {
            vvar *x = &vars[tab[h] - 1];
            if (!strcmp(x->code, code))
                vcd_apply(nl, x, v, vn);
            h = (h + 1) & (unsigned)(cap - 1);
        }
    }
    if (!r && in_defs)
        r = ax_fail(err, AX_EFORMAT, "%s:%ld: no $enddefinitions (hint: the VCD is truncated)",
                    vcd_path, lineno);
    if (!r && nmatch == 0)
        r = ax_fail(err, AX_ENOTFOUND,
                    "%s: no variable of scope '%s' matches a net of %s (hint: simulate this "
                    "netlist "
                    "and name its top module)",
                    vcd_path, scope, nl->path);
    for (int i = 0; i < nvars; i++)
        free(vars[i].code), free(vars[i].bits), free(vars[i].val);
    free(vars);
    free(tab);
    free(line);
    fclose(f);
    if (!r && matched)
        *matched = nmatch;
    return r;
}

/* ---- energy ---- */

void power_gate_reset(power_gate_netlist *nl)
{
    for (int i = 0; nl && i < nl->nbits; i++)
        nl->bits[i].rise = nl->bits[i].fall = 0;
}

double power_gate_toggles(const power_gate_netlist *nl, const char *comp)
{
    double t = 0;
    for (int i = 0; i < nl->nbits; i++)
        if (!strcmp(nl->comp[nl->bits[i].comp], comp))
            t += (double)(nl->bits[i].rise + nl->bits[i].fall);
    return t;
}

/* Mean energy per rising / falling transition of an output pin over its
 * related pins' tables, pJ. */
static void out_energy(const power_lib *lib, const power_lib_pin *p, double load, double slew,
                       double *er, double *ef)
{
    double r = 0, f = 0;
    int n = 0;
    for (int i = 0; i < p->nenergy; i++) {
        if (!p->energy[i].related[0])
            continue;
        r += power_lib_energy_at(lib, &p->energy[i], 1, load, slew);
        f += power_lib_energy_at(lib, &p->energy[i], 0, load, slew);
        n++;
    }
    *er = n ? r / n : 0;
    *ef = n ? f / n : 0;
}

ax_result power_gate_energy(const power_gate_netlist *nl, const power_lib *lib,
                            const power_gate_params *p, power_gate_result *r, char **err)
{
    memset(r, 0, sizeof *r);
    if (p->wire_pf_per_fanout < 0 || p->wire_pf_per_net < 0 || p->slew_ns < 0 || p->duration_ns < 0)
        return ax_fail(err, AX_EPARAM,
                       "power_gate_energy: negative wire load, slew or duration (hint: all >= 0)");
    int ci = p->clock_net ? net_find(nl, p->clock_net) : -1;
    if (ci < 0 || nl->nets[ci].width != 1 || nl->nets[ci].bits[0] < 0)
        return ax_fail(err, AX_ENOTFOUND,
                       "%s: clock net '%s' not found (hint: give the one-bit clock input's name)",
                       nl->path, p->clock_net ? p->clock_net : "(null)");
    int clk = nl->nets[ci].bits[0];
    double v2h = 0.5 * lib->vdd_v * lib->vdd_v;
    r->vdd_v = lib->vdd_v;
    r->ncomp = nl->ncomp;
    for (int c = 0; c < nl->ncomp; c++)
        snprintf(r->comp[c].name, sizeof r->comp[c].name, "%s", nl->comp[c]);
    for (int c = 0; c < lib->ncells; c++)
        for (int k = 0; k < lib->cells[c].npins; k++)
            if (lib->cells[c].pins[k].nenergy)
                r->has_internal_tables = 1;
    /* clock bits: the clock net and every net a clock-gate cell drives */
    char *isclk = calloc((size_t)nl->nbits + 1, 1);
    if (!isclk)
        return ax_fail(err, AX_ENOMEM, "power_gate_energy: out of memory");
    isclk[clk] = 1;
    for (int i = 0; i < nl->nbits; i++)
        if (nl->bits[i].drv_cell >= 0 && nl->cells[nl->bits[i].drv_cell].cg)
            isclk[i] = 1;
    for (int c = 0; c < nl->ncells; c++)
        if (nl->cells[c].cg && nl->cells[c].lc)
            r->clock_gate_cells++;
    for (int i = 0; i < nl->nbits; i++) {
        const gbit *b = &nl->bits[i];
        double t = (double)(b->rise + b->fall);
        double cap = b->load_pf +
                     (b->fanout ? p->wire_pf_per_net + p->wire_pf_per_fanout * b->fanout : 0);
        double esw = v2h * cap * t;
        double eint = 0;
        if (b->drv_cell >= 0) {
            const power_lib_pin *op = &nl->cells[b->drv_cell].lc->pins[b->drv_pin];
            double er, ef;
            out_energy(lib, op, cap, p->slew_ns, &er, &ef);
            eint = er * (double)b->rise + ef * (double)b->fall;
        }
        if (i == clk) {
            r->clock_toggles = t;
            r->clock_pins = b->fanout;
            r->clock_cap_pf = cap;
        }
        if (isclk[i]) {
            if (i != clk)
                r->gated_clock_toggles += t;
            r->clock_switch_pj += esw;
            r->clock_internal_pj += eint;
            continue;
        }
        power_gate_comp *pc = &r->comp[b->comp];
        pc->toggles += t;
        pc->switch_pj += esw;
        pc->internal_pj += eint;
    }
    /* passive tables of input pins (flip-flop CLK and D) and leakage */
    for (int c = 0; c < nl->ncells; c++) {
        const gcell *g = &nl->cells[c];
        if (!g->lc)
            continue;
        r->comp[g->comp].cells++;
        double leak = g->lc->leakage_nw * p->duration_ns * 1e-6; /* nW·ns = 1e-6 pJ */
        r->comp[g->comp].leakage_pj += leak;
        r->leakage_pj += leak;
        for (int k = 0; k < g->lc->npins; k++) {
            const power_lib_pin *ip = &g->lc->pins[k];
            int bi = g->pin_bit[k];
            if (ip->output || bi < 0 || bi >= nl->nbits)
                continue;
            const gbit *b = &nl->bits[bi];
            for (int e = 0; e < ip->nenergy; e++) {
                if (ip->energy[e].related[0])
                    continue;
                double en =
                    power_lib_energy_at(lib, &ip->energy[e], 1, 0, p->slew_ns) * (double)b->rise +
                    power_lib_energy_at(lib, &ip->energy[e], 0, 0, p->slew_ns) * (double)b->fall;
                if (isclk[bi] || g->cg)
                    r->clock_internal_pj += en;
                else
                    r->comp[g->comp].internal_pj += en;
            }
        }
    }
    for (int c = 0; c < r->ncomp; c++) {
        r->logic_switch_pj += r->comp[c].switch_pj;
        r->logic_internal_pj += r->comp[c].internal_pj;
    }
    r->dynamic_pj = r->logic_switch_pj + r->logic_internal_pj + r->clock_switch_pj +
                    r->clock_internal_pj;
    free(isclk);
    return AX_OK;
}
