/*
 * axon calibrate — fit the action-energy model to gate level and validate it
 * (docs/power.md "Calibration"). A thin front end over power/power_cal.c:
 * reads the characterization CSVs `make characterize` writes (C model action
 * counts next to gate-level energy per component, one row per stream and
 * parameter set), fits per-action energies by non-negative least squares
 * (Lawson & Hanson 1974), writes the calibrated technology table with its
 * provenance and prints the validation on held-out streams and parameter
 * sets; --check prices rows with an existing calibrated table instead.
 * --base-train fits the baselines' MAC tile the same way (power_base_cal.c:
 * rows of `make base-gate`) and writes its rows as their own block of the
 * table, into the table --train writes or into the existing --out table;
 * --base-check prices baseline rows with an existing table. Refitting the core
 * alone (--train without --base-train) keeps the baseline block the --out
 * table already has (make base-gate owns it).
 * Exit 0: within the bounds; 1: a bound broken or an error; 2: usage.
 */
#include "cmd.h"

#include "../power/power_base_cal.h"
#include "../power/power_cal.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *CMD = "calibrate";

/* The baseline block of the table at path (its text from the begin marker
 * through the end marker's line), or NULL when the file or the block is
 * absent. */
static char *old_base_block(const char *path)
{
    static const char b0[] = "# ---- baseline MAC tile, calibrated",
                      b1[] = "# ---- end of the baseline MAC tile ----";
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    char buf[4096];
    size_t k;
    while (m && (k = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, k, m);
    fclose(f);
    if (!m || fclose(m) || !text) {
        free(text);
        return NULL;
    }
    char *b = strstr(text, b0), *e = b ? strstr(b, b1) : NULL, *out = NULL;
    if (e) {
        char *nl = strchr(e, '\n');
        size_t n = nl ? (size_t)(nl + 1 - b) : strlen(b);
        out = malloc(n + 1);
        if (out) {
            memcpy(out, b, n);
            out[n] = '\0';
        }
    }
    free(text);
    return out;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: axon calibrate --train A.csv[,B.csv...] [--validate H.csv[,...]] --out "
            "TABLE.csv\n"
            "                      [--lib LIBERTY] [--markdown FILE] [--total-pct P] "
            "[--comp-pct P]\n"
            "                      [--exempt-pct P]\n"
            "       axon calibrate --check H.csv[,...] --tech TABLE.csv [--total-pct P] "
            "[--comp-pct P]\n"
            "       axon calibrate --base-train A.csv[,...] [--base-validate H.csv[,...]] "
            "--out TABLE.csv\n"
            "       axon calibrate --base-check H.csv[,...] --tech TABLE.csv\n\n"
            "Fits per-action energies per component (acc, fifo, ctrl, readout, sramif, clock) "
            "to the\n"
            "gate-level energies of characterization CSVs (make characterize), writes the "
            "calibrated\n"
            "table (node and supply of the liberty, 180 nm / 1.8 V for OSU018) and validates "
            "it.\n\n"
            "  --train LIST     characterization CSVs to fit (comma-separated)\n"
            "  --validate LIST  held-out CSVs (other streams, other parameter sets)\n"
            "  --check LIST     price these rows with --tech TABLE (no fit)\n"
            "  --out FILE       the calibrated technology table to write\n"
            "  --lib FILE       liberty named in the provenance\n"
            "  --markdown FILE  the validation table as markdown\n"
            "  --total-pct P    bound on every stream's total (default 10)\n"
            "  --comp-pct P     bound on every component per parameter set (default 15)\n"
            "  --exempt-pct P   a component under P %% of its set's gate energy is exempt from\n"
            "                   --comp-pct (printed, marked ~; default 2, 0: none)\n"
            "  --base-train LIST     baseline MAC-tile CSVs (make base-gate) to fit; their rows\n"
            "                        (base_lanes, base_acc, base_readout, base_clock) replace\n"
            "                        the baseline block of --out (written by --train, or "
            "existing)\n"
            "  --base-validate LIST  held-out baseline CSVs (bounds per tile: the total and\n"
            "                        every component summed over its streams)\n"
            "  --base-check LIST     price baseline rows with --tech TABLE (no fit)\n"
            "Gaps are model / gate - 1.\n");
}

static int read_list(const char *list, power_cal_row **rows, size_t *n, char **err)
{
    char *d = strdup(list), *save = NULL;
    if (!d)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    ax_result rc = AX_OK;
    for (char *p = strtok_r(d, ",", &save); p && !rc; p = strtok_r(NULL, ",", &save))
        rc = power_cal_read(p, rows, n, err);
    free(d);
    return rc;
}


static int read_blist(const char *list, power_bcal_row **rows, size_t *n, char **err)
{
    char *d = strdup(list), *save = NULL;
    if (!d)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    ax_result rc = AX_OK;
    for (char *p = strtok_r(d, ",", &save); p && !rc; p = strtok_r(NULL, ",", &save))
        rc = power_bcal_read(p, rows, n, err);
    free(d);
    return rc;
}

/* Appends one to the list buf (separated by sep) unless it is there or the
 * list is full: the provenance's parameter sets and streams. */
static void list_add(char *buf, size_t cap, const char *sep, const char *one)
{
    size_t len = strlen(buf);
    if (!strstr(buf, one) && len + strlen(one) + strlen(sep) + 1 < cap)
        snprintf(buf + len, cap - len, "%s%s", *buf ? sep : "", one);
}

/* The validation table as markdown into md (ax_out: a temporary beside it,
 * renamed on success; a failed write leaves md as it was); write_md prints
 * it. CMD_OK or CMD_FAIL. */
typedef ax_result (*md_writer)(FILE *f, const void *ctx, char **err);
static int write_markdown(const char *md, md_writer write_md, const void *ctx)
{
    char *err = NULL;
    ax_out *o = NULL;
    if (ax_out_open(md, 0, &o, &err))
        return cmd_fail(CMD, err);
    FILE *m = ax_out_stream(o, &err);
    if (!m || write_md(m, ctx, &err)) {
        ax_out_abort(o);
        return cmd_fail(CMD, err);
    }
    return ax_out_commit(o, &err) ? cmd_fail(CMD, err) : CMD_OK; /* frees o */
}

/* The held-out validation as markdown: the core's rows and the baselines'. */
typedef struct {
    const power_cal_row *rows;
    size_t n;
    const power_cal_fit *fit;
    double tot, comp, exempt;
} cal_md;
static ax_result cal_md_write(FILE *f, const void *p, char **err)
{
    const cal_md *c = p;
    int viol = 0;
    return power_cal_validate_ex(f, 1, c->rows, c->n, c->fit, NULL, c->tot, c->comp, c->exempt,
                                 &viol, err);
}
typedef struct {
    const power_bcal_row *rows;
    size_t n;
    const power_bcal_fit *const *fit;
    double tot, comp, exempt;
} bcal_md;
static ax_result bcal_md_write(FILE *f, const void *p, char **err)
{
    const bcal_md *c = p;
    int viol = 0;
    return power_bcal_validate(f, 1, c->rows, c->n, c->fit, NULL, c->tot, c->comp, c->exempt, &viol,
                               err);
}

/* The baselines' MAC tile (power_base_cal.c): fit btrain, validate bval, and
 * splice the block into the existing calibrated table out; or, with bcheck,
 * price those rows with the table tech. */
static int base_calibrate(const char *btrain, const char *bval, const char *bcheck, const char *out,
                          const char *tech, const char *md, double tot, double comp, double exempt)
{
    char *err = NULL, *vbuf = NULL, *block = NULL;
    size_t vlen = 0, blen = 0;
    power_bcal_row *rows = NULL, *hold = NULL;
    size_t n = 0, nh = 0;
    power_table *t = NULL;
    int viol = 0, rc = CMD_FAIL;
    if (bcheck) {
        if (read_blist(bcheck, &hold, &nh, &err) || power_table_load(tech, &t, &err)) {
            rc = cmd_fail(CMD, err);
            goto done;
        }
        if (!power_table_has_base_cal(t)) {
            rc = cmd_usage(CMD,
                           "%s has no calibrated baseline rows (base_lanes, base_acc, "
                           "base_readout, base_clock; hint: make base-gate writes them)",
                           tech);
            goto done;
        }
        printf("calibrate: %zu baseline rows priced by %s against gate level (gaps: model / "
               "gate - 1; bounds per tile: total +-%.0f %%, components +-%.0f %% unless under "
               "%.0f %% of its energy, ~)\n",
               nh, power_table_version(t), tot, comp, exempt);
        if (power_bcal_validate(stdout, 0, hold, nh, NULL, t, tot, comp, exempt, &viol, &err)) {
            rc = cmd_fail(CMD, err);
            goto done;
        }
    } else {
        if (read_blist(btrain, &rows, &n, &err) || (bval && read_blist(bval, &hold, &nh, &err))) {
            rc = cmd_fail(CMD, err);
            goto done;
        }
        /* the MAC tile (dense, zero-skip, wide) and the bit-serial tile, each
         * from its own rows; a kind without training rows keeps no block rows */
        power_bcal_fit fits[2];
        const power_bcal_fit *fp[2] = {NULL, NULL};
        for (int bs = 0; bs < 2; bs++) {
            int any = 0;
            for (size_t i = 0; i < n; i++)
                any |= (rows[i].g.P > 0) == bs;
            if (!any)
                continue;
            if (power_bcal_fit_rows(rows, n, bs, &fits[bs], &err)) {
                rc = cmd_fail(CMD, err);
                goto done;
            }
            fp[bs] = &fits[bs];
        }
        char sets[1024] = "", streams[1024] = "";
        for (size_t i = 0; i < n; i++) {
            char one[160];
            snprintf(one, sizeof one, "%s (C=%d L=%d A=%d RB=%d ZS=%d, %.0f cells)", rows[i].set,
                     rows[i].g.C, rows[i].g.L, rows[i].g.A, rows[i].g.RB, rows[i].g.ZS,
                     rows[i].cells);
            list_add(sets, sizeof sets, "; ", one);
            list_add(streams, sizeof streams, ", ", rows[i].stream);
        }
        if (nh) {
            FILE *vm = open_memstream(&vbuf, &vlen);
            int vv = 0;
            if (!vm ||
                power_bcal_validate(vm, 0, hold, nh, fp, NULL, tot, comp, exempt, &vv, &err)) {
                if (vm)
                    fclose(vm);
                rc = cmd_fail(CMD, err ? err : strdup("out of memory"));
                goto done;
            }
            fclose(vm);
            viol = vv;
        }
        char date[32];
        time_t now = time(NULL);
        strftime(date, sizeof date, "%Y-%m-%d", gmtime(&now));
        FILE *bm = open_memstream(&block, &blen);
        if (!bm) {
            rc = cmd_fail(CMD, strdup("out of memory"));
            goto done;
        }
        power_bcal_write_block(bm, fp, sets, streams, vbuf, date);
        fclose(bm);
        /* into the calibrated table at out (temp + rename) */
        if (power_bcal_splice_file(out, block, &err)) {
            rc = cmd_fail(CMD, err);
            goto done;
        }
        /* the table as written must load and carry the block */
        if (power_table_load(out, &t, &err)) {
            rc = cmd_fail(CMD, err);
            goto done;
        }
        if (!power_table_has_base_cal(t) || !power_table_is_calibrated(t)) {
            rc = cmd_usage(CMD,
                           "%s: the baseline block was written into a table that is not "
                           "calibrated (hint: write the core's table first, make characterize)",
                           out);
            goto done;
        }
        printf("calibrate: fitted %zu baseline rows, wrote their block into %s\n", n, out);
        for (int bs = 0; bs < 2; bs++) {
            if (!fp[bs])
                continue;
            for (int c = 0; c < POWER_BCAL_NCOMP; c++) {
                printf("  %-12s rms %5.1f %%  max %5.1f %% :", power_bcal_comp_name(bs, c),
                       fp[bs]->rms_pct[c], fp[bs]->max_pct[c]);
                for (int j = 0; j < fp[bs]->nf[c]; j++)
                    printf(" %s=%.4g", fp[bs]->names[c][j], fp[bs]->coef[c][j]);
                printf(" pJ\n");
            }
            printf("  total        rms %5.1f %%  max %5.1f %%\n", fp[bs]->rms_total_pct,
                   fp[bs]->max_total_pct);
        }
        printf("baseline training rows:\n");
        int dummy = 0;
        if (power_bcal_validate(stdout, 0, rows, n, fp, NULL, tot, comp, exempt, &dummy, &err)) {
            rc = cmd_fail(CMD, err);
            goto done;
        }
        if (nh) {
            printf("baseline held-out rows (gaps: model / gate - 1; bounds per tile: total "
                   "+-%.0f %%, components +-%.0f %% unless under %.0f %% of its energy, ~):\n",
                   tot, comp, exempt);
            fputs(vbuf, stdout);
        }
        bcal_md ctx = {hold, nh, fp, tot, comp, exempt};
        if (nh && md && (rc = write_markdown(md, bcal_md_write, &ctx)) != CMD_OK)
            goto done;
    }
    if (viol) {
        printf("calibrate: baseline: %d bound(s) broken\n", viol);
        rc = CMD_FAIL;
    } else {
        printf("calibrate: baseline within bounds\n");
        rc = CMD_OK;
    }
done:
    power_table_free(t);
    free(rows);
    free(hold);
    free(vbuf);
    free(block);
    return rc;
}

int cmd_calibrate(int argc, char **argv)
{
    const char *train = NULL, *val = NULL, *check = NULL, *out = NULL, *lib = "OSU018", *md = NULL,
               *tech = NULL, *btrain = NULL, *bval = NULL, *bcheck = NULL;
    double tot = 10, comp = 15, exempt = 2;
    static const struct option opts[] = {{"train", required_argument, NULL, 't'},
                                         {"validate", required_argument, NULL, 'v'},
                                         {"check", required_argument, NULL, 'c'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"lib", required_argument, NULL, 'l'},
                                         {"markdown", required_argument, NULL, 'm'},
                                         {"tech", required_argument, NULL, 'T'},
                                         {"total-pct", required_argument, NULL, 'P'},
                                         {"comp-pct", required_argument, NULL, 'Q'},
                                         {"exempt-pct", required_argument, NULL, 'E'},
                                         {"base-train", required_argument, NULL, 'b'},
                                         {"base-validate", required_argument, NULL, 'B'},
                                         {"base-check", required_argument, NULL, 'k'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case 't': train = optarg; break;
        case 'v': val = optarg; break;
        case 'c': check = optarg; break;
        case 'o': out = optarg; break;
        case 'l': lib = optarg; break;
        case 'm': md = optarg; break;
        case 'T': tech = optarg; break;
        case 'b': btrain = optarg; break;
        case 'B': bval = optarg; break;
        case 'k': bcheck = optarg; break;
        case 'P':
            if (cmd_parse_double(CMD, "--total-pct", optarg, 0, 1000, &tot))
                return CMD_USAGE;
            break;
        case 'Q':
            if (cmd_parse_double(CMD, "--comp-pct", optarg, 0, 1000, &comp))
                return CMD_USAGE;
            break;
        case 'E':
            if (cmd_parse_double(CMD, "--exempt-pct", optarg, 0, 100, &exempt))
                return CMD_USAGE;
            break;
        case 'h': usage(stdout); return CMD_OK;
        default: usage(stderr); return CMD_USAGE;
        }
    }
    if (optind < argc)
        return cmd_usage(CMD, "unexpected argument '%s'", argv[optind]);
    if (btrain || bcheck) {
        if ((btrain && bcheck) || check || (btrain && !out) || (bcheck && (!tech || train)) ||
            (bval && !btrain))
            return cmd_usage(CMD, "give --base-train LIST [--base-validate LIST] --out TABLE "
                                  "(with or without --train), or --base-check LIST --tech TABLE");
        if (!train)
            return base_calibrate(btrain, bval, bcheck, out, tech, md, tot, comp, exempt);
    }
    if (!!check == !!train || (train && !out) || (check && !tech))
        return cmd_usage(CMD, "give --train LIST --out TABLE, or --check LIST --tech TABLE");
    char *err = NULL;
    power_cal_row *rows = NULL, *hold = NULL;
    char *vbuf = NULL; /* the held-out validation as text (table provenance, stdout) */
    size_t n = 0, nh = 0;
    int viol = 0, rc = CMD_FAIL;
    power_table *t = NULL;
    if (check) {
        if (read_list(check, &hold, &nh, &err) || power_table_load(tech, &t, &err)) {
            rc = cmd_fail(CMD, err);
            goto done;
        }
        if (!power_table_is_calibrated(t)) {
            rc = cmd_usage(CMD, "%s is not a calibrated table (no 'meta,calibrated,1' row)", tech);
            goto done;
        }
        printf("calibrate: %zu rows priced by %s against gate level (gaps: model / gate - 1; "
               "bounds: total +-%.0f %% per stream, "
               "components +-%.0f %% per set unless under %.0f %% of its energy, ~)\n",
               nh, power_table_version(t), tot, comp, exempt);
        if (power_cal_validate_ex(stdout, 0, hold, nh, NULL, t, tot, comp, exempt, &viol, &err)) {
            rc = cmd_fail(CMD, err);
            goto done;
        }
    } else {
        /* the outputs can be written (before any fit): a missing or read-only
         * directory fails now, naming the path */
        if (ax_out_check(out, &err) || (md && ax_out_check(md, &err)) ||
            read_list(train, &rows, &n, &err) || (val && read_list(val, &hold, &nh, &err))) {
            rc = cmd_fail(CMD, err);
            goto done;
        }
        power_cal_fit fit;
        if (power_cal_fit_rows(rows, n, &fit, &err)) {
            rc = cmd_fail(CMD, err);
            goto done;
        }
        /* provenance: the parameter sets and streams of the training rows */
        char sets[1024] = "", streams[1024] = "";
        int gated = 0;
        for (size_t i = 0; i < n; i++) {
            char one[160];
            snprintf(one, sizeof one, "%s (R=%d C=%d L=%d LS=%d F=%d A=%d RB=%d DB=%d GATE=%d%s)",
                     rows[i].set, rows[i].R, rows[i].C, rows[i].L, rows[i].LS, rows[i].F, rows[i].A,
                     rows[i].RB, rows[i].DB, rows[i].GATE, rows[i].CG ? " CG=1" : "");
            gated += rows[i].CG != 0;
            list_add(sets, sizeof sets, "; ", one);
            list_add(streams, sizeof streams, ", ", rows[i].stream);
        }
        char date[32];
        time_t now = time(NULL);
        strftime(date, sizeof date, "%Y-%m-%d", gmtime(&now));
        /* the held-out validation goes into the table's provenance too (and
         * to stdout below) */
        size_t vlen = 0;
        if (nh) {
            FILE *vm = open_memstream(&vbuf, &vlen);
            if (!vm || power_cal_validate_ex(vm, 0, hold, nh, &fit, NULL, tot, comp, exempt, &viol,
                                             &err)) {
                if (vm)
                    fclose(vm);
                rc = cmd_fail(CMD, err ? err : strdup("out of memory"));
                goto done;
            }
            fclose(vm);
        }
        power_cal_provenance pv = {lib, date, "axon-cal-osu018-v6", 180, 1.8, sets, streams, gated};
        char *keep = btrain ? NULL : old_base_block(out);
        ax_out *o = NULL; /* a temporary beside out, renamed over it when written */
        FILE *f = NULL;
        ax_result r = ax_out_open(out, 0, &o, &err);
        if (!r && !(f = ax_out_stream(o, &err)))
            r = AX_EIO;
        if (!r)
            r = power_cal_write_table_v(f, &fit, &pv, vbuf, &err);
        if (o && r)
            ax_out_abort(o);
        else if (o)
            r = ax_out_commit(o, &err); /* frees o */
        if (r) {
            free(keep);
            rc = cmd_fail(CMD, err ? err : strdup("cannot write the table"));
            goto done;
        }
        printf("calibrate: fitted %zu rows, wrote %s\n", n, out);
        if (keep) { /* the baselines' block the table had, as it was */
            ax_result kr = power_bcal_splice_file(out, keep, &err);
            free(keep);
            if (kr) {
                rc = cmd_fail(CMD, err);
                goto done;
            }
            printf("calibrate: kept the baseline block of %s\n", out);
        }
        if (btrain) { /* the baselines' block into the table just written */
            int brc = base_calibrate(btrain, bval, NULL, out, NULL, NULL, tot, comp, exempt);
            if (brc != CMD_OK) {
                rc = brc;
                goto done;
            }
        }
        for (int c = 0; c < POWER_CAL_NCOMP; c++) {
            printf("  %-8s rms %5.1f %%  max %5.1f %% :", power_cal_comp_name(c), fit.rms_pct[c],
                   fit.max_pct[c]);
            for (int j = 0; j < fit.nf[c]; j++)
                printf(" %s=%.4g", fit.names[c][j], fit.coef[c][j]);
            printf(" pJ\n");
        }
        printf("  total    rms %5.1f %%  max %5.1f %%\n", fit.rms_total_pct, fit.max_total_pct);
        printf("training rows:\n");
        int dummy = 0;
        if (power_cal_validate_ex(stdout, 0, rows, n, &fit, NULL, tot, comp, exempt, &dummy,
                                  &err)) {
            rc = cmd_fail(CMD, err);
            goto done;
        }
        if (nh) {
            printf("held-out rows (gaps: model / gate - 1; bounds: total +-%.0f %% per stream, "
                   "components +-%.0f %% per set unless under %.0f %% of its energy, ~):\n",
                   tot, comp, exempt);
            fputs(vbuf, stdout);
            cal_md ctx = {hold, nh, &fit, tot, comp, exempt};
            if (md && (rc = write_markdown(md, cal_md_write, &ctx)) != CMD_OK)
                goto done;
        }
    }
    if (viol) {
        printf("calibrate: %d bound(s) broken\n", viol);
        rc = CMD_FAIL;
    } else {
        printf("calibrate: within bounds\n");
        rc = CMD_OK;
    }
done:
    power_table_free(t);
    free(rows);
    free(hold);
    free(vbuf);
    return rc;
}
