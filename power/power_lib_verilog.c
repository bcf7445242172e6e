/*
 * power_lib_verilog — behavioural Verilog models of Liberty cells, written
 * from the cells' own `function`, `ff`/`latch` (clocked_on, next_state,
 * enable, data_in, clear, preset) and `three_state` attributes that
 * power_liberty.c read, so Verilator can simulate a mapped netlist for the
 * gate-level cross-check (power_gate.h). The models are zero-delay and
 * two-valued: they count toggles, they do not time anything.
 */
#include "power_gate.h"
#include "power_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Liberty boolean functions -> Verilog ----
 * Precedence, high to low (Liberty reference): postfix ', prefix !, ^, AND
 * (* & or juxtaposition), OR (+ |). Constants 0 and 1. */

typedef struct {
    const char *s, *p;
    const char *where;
    char **err;
    int failed; /* a syntax error was reported (else a NULL result is out of memory) */
} fparse;

static void fskip(fparse *f)
{
    while (*f->p == ' ' || *f->p == '\t')
        f->p++;
}

/* "(a op b)", malloc'd (NULL when out of memory); frees a and b. a NULL is
 * empty: fcat(NULL, "~", x) is "(~x)". */
static char *fcat(char *a, const char *op, char *b)
{
    const char *as = a ? a : "";
    size_t n = strlen(as) + strlen(op) + strlen(b) + 3;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "(%s%s%s)", as, op, b);
    free(a);
    free(b);
    return s;
}

static char *f_fail(fparse *f, const char *what)
{
    ax_fail(f->err, AX_EFORMAT,
            "%s: function \"%s\": %s at position %d (hint: Liberty functions use ! ' ^ * & + | and "
            "parentheses)",
            f->where, f->s, what, (int)(f->p - f->s) + 1);
    f->failed = 1;
    return NULL;
}

static char *f_binary(fparse *f, int level);

static char *f_primary(fparse *f)
{
    fskip(f);
    char *x = NULL;
    if (*f->p == '!') {
        f->p++;
        char *a = f_primary(f);
        if (!a)
            return NULL;
        x = fcat(NULL, "~", a);
    } else if (*f->p == '(') {
        f->p++;
        x = f_binary(f, 0);
        if (!x)
            return NULL;
        fskip(f);
        if (*f->p != ')') {
            free(x);
            return f_fail(f, "expected ')'");
        }
        f->p++;
    } else if (*f->p == '0' || *f->p == '1') {
        x = malloc(5);
        if (x)
            sprintf(x, "1'b%c", *f->p);
        f->p++;
    } else if (isalpha((unsigned char)*f->p) || *f->p == '_') {
        const char *b = f->p;
        while (isalnum((unsigned char)*f->p) || *f->p == '_')
            f->p++;
        x = power_strndup(b, (size_t)(f->p - b));
    } else {
        return f_fail(f, *f->p ? "unexpected character" : "unexpected end");
    }
    for (;;) {
        if (!x)
            return NULL;
        fskip(f);
        if (*f->p != '\'')
            return x;
        f->p++;
        x = fcat(NULL, "~", x);
    }
}

static int starts_primary(char c)
{
    return c == '!' || c == '(' || c == '0' || c == '1' || c == '_' || isalpha((unsigned char)c);
}

/* The binary operators by level, loosest first: OR (+ |), AND (* & or
 * juxtaposition), XOR (^); each level's operands are the next level's. */
static const struct {
    const char *ops, *verilog;
    int juxtaposition;
} f_levels[] = {{"+|", " | ", 0}, {"*&", " & ", 1}, {"^", " ^ ", 0}};
enum { F_NLEVELS = sizeof f_levels / sizeof f_levels[0] };

static char *f_operand(fparse *f, int level)
{
    return level + 1 < F_NLEVELS ? f_binary(f, level + 1) : f_primary(f);
}

static char *f_binary(fparse *f, int level)
{
    char *x = f_operand(f, level);
    for (;;) {
        if (!x)
            return NULL;
        fskip(f);
        if (*f->p && strchr(f_levels[level].ops, *f->p))
            f->p++;
        else if (!f_levels[level].juxtaposition || !starts_primary(*f->p))
            return x;
        char *b = f_operand(f, level);
        if (!b) {
            free(x);
            return NULL;
        }
        x = fcat(x, f_levels[level].verilog, b);
    }
}

ax_result power_lib_function_verilog(const char *fn, const char *where, char **out, char **err)
{
    fparse f = {fn, fn, where, err, 0};
    char *x = f_binary(&f, 0);
    if (!x)
        return f.failed ? AX_EFORMAT : ax_fail(err, AX_ENOMEM, "%s: out of memory", where);
    fskip(&f);
    if (*f.p) {
        free(x);
        f_fail(&f, "unexpected text after the expression");
        return AX_EFORMAT;
    }
    *out = x;
    return AX_OK;
}

/* Writes `assign lhs = <fn as Verilog>;` (or a wire declaration). */
static ax_result emit_fn(FILE *f, const char *decl, const char *lhs, const char *fn,
                         const power_lib *lib, const power_lib_cell *c, const char *what,
                         char **err)
{
    char where[512];
    snprintf(where, sizeof where, "%s:%d: cell %s %s", lib->path, c->line, c->name, what);
    char *v = NULL;
    ax_result r = power_lib_function_verilog(fn, where, &v, err);
    if (r)
        return r;
    fprintf(f, "    %s %s = %s;\n", decl, lhs, v);
    free(v);
    return AX_OK;
}

ax_result power_lib_write_verilog(const power_lib *lib, FILE *f, char **err)
{
    fprintf(f,
            "// Behavioural models of the cells of Liberty library %s (%s), written from\n"
            "// their Liberty functions by power_lib_write_verilog (power/power_lib_verilog.c).\n"
            "// Zero-delay, two-valued: for toggle counting, not for timing. Generated: do not "
            "edit.\n"
            "/* verilator tracing_off */\n",
            lib->name, lib->path);
    int skipped = 0;
    for (int i = 0; i < lib->ncells; i++) {
        const power_lib_cell *c = &lib->cells[i];
        int nout = 0, nfn = 0;
        for (int k = 0; k < c->npins; k++)
            if (c->pins[k].output) {
                nout++;
                nfn += c->pins[k].function != NULL;
            }
        if (nout == 0 || nfn < nout) {
            fprintf(f, "// %s: not modelled (%s)\n", c->name,
                    nout ? "an output without a function" : "no output pin");
            skipped++;
            continue;
        }
        fprintf(f, "module %s (", c->name);
        for (int k = 0; k < c->npins; k++)
            fprintf(f, "%s%s", k ? ", " : "", c->pins[k].name);
        fprintf(f, ");\n");
        for (int k = 0; k < c->npins; k++)
            fprintf(f, "    %s %s;\n", c->pins[k].output ? "output" : "input", c->pins[k].name);
        ax_result r;
        if (c->seq) {
            fprintf(f, "    reg %s;\n    wire %s = ~%s;\n", c->iq, c->iqn, c->iq);
            if ((r = emit_fn(f, "wire", "axon_ck", c->clocked_on, lib, c,
                             c->seq == 1 ? "clocked_on" : "enable", err)))
                return r;
            if ((r = emit_fn(f, "wire", "axon_d", c->next_state, lib, c,
                             c->seq == 1 ? "next_state" : "data_in", err)))
                return r;
            if (c->clear && (r = emit_fn(f, "wire", "axon_clr", c->clear, lib, c, "clear", err)))
                return r;
            if (c->preset && (r = emit_fn(f, "wire", "axon_pre", c->preset, lib, c, "preset", err)))
                return r;
            /* clear wins over preset (clear_preset_var1 = L); IQN is ~IQ */
            const char *as = c->seq == 1 ? "<=" : "=";
            if (c->seq == 1)
                fprintf(f, "    always @(posedge axon_ck%s%s)\n",
                        c->clear ? " or posedge axon_clr" : "",
                        c->preset ? " or posedge axon_pre" : "");
            else
                fprintf(f, "    always @(*)\n");
            fprintf(f, "        ");
            if (c->clear)
                fprintf(f, "if (axon_clr) %s %s 1'b0; else ", c->iq, as);
            if (c->preset)
                fprintf(f, "if (axon_pre) %s %s 1'b1; else ", c->iq, as);
            if (c->seq == 2)
                fprintf(f, "if (axon_ck) ");
            fprintf(f, "%s %s axon_d;\n", c->iq, as);
        }
        for (int k = 0; k < c->npins; k++) {
            const power_lib_pin *p = &c->pins[k];
            if (!p->output)
                continue;
            char where[512];
            snprintf(where, sizeof where, "%s:%d: cell %s pin %s", lib->path, c->line, c->name,
                     p->name);
            char *v = NULL;
            if ((r = power_lib_function_verilog(p->function, where, &v, err)))
                return r;
            if (p->three_state) {
                char *z = NULL;
                if ((r = power_lib_function_verilog(p->three_state, where, &z, err))) {
                    free(v);
                    return r;
                }
                fprintf(f, "    assign %s = %s ? 1'bz : %s;\n", p->name, z, v);
                free(z);
            } else {
                fprintf(f, "    assign %s = %s;\n", p->name, v);
            }
            free(v);
        }
        fprintf(f, "endmodule\n");
    }
    fprintf(f, "/* verilator tracing_on */\n");
    (void)skipped;
    return ferror(f) ? ax_fail(err, AX_EIO, "cell models: write error (hint: disk full?)") : AX_OK;
}
