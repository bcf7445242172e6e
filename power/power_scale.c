/*
 * power_scale — moves a technology table to another node and supply.
 *
 * Energy vs node: Stillmaker & Baas, "Scaling equations for the accurate
 * prediction of CMOS device performance from 180 nm to 7 nm", Integration,
 * the VLSI Journal 58 (2017) 74–81, Table 5 (energy per operation fitted as
 * a·V² + b·V + c per node; PTM bulk for 180–65 nm, the high-performance "HP"
 * ITRS models for 45–7 nm). The factor of a node is that polynomial at the
 * node's nominal supply (our assumed nominal supplies below).
 * Area vs node: the paper's area scaling-factor table (row "45 nm").
 * 28 nm and 22 nm are not in the paper: linearly interpolated in node size
 * between 32 and 20 nm — approximations, flagged in every report.
 * Supply at a fixed node: dynamic energy ∝ V² (CV²); leakage power ∝ V
 * (I_leak × V with I_leak held constant, assumed); leakage per µm² is held
 * constant across nodes, so leakage per instance scales with area (assumed).
 */
#include "power_int.h"

#include <math.h>
#include <stdio.h>

/* clang-format off */
typedef struct {
    int nm;
    double a, b, c;  /* energy factor a·V² + b·V + c (Stillmaker & Baas Table 5) */
    double vnom;     /* nominal supply, V (assumed: typical core supply of the node) */
    double area45;   /* area relative to 45 nm (Stillmaker & Baas area table) */
} power_node;

static const power_node power_nodes[] = {
    {180, 0, 24.64, -17.98, 1.8, 19},
    {130, 7.171, -6.709, 2.904, 1.3, 6.4},
    {90, 4.762, -4.781, 2.092, 1.2, 2.8},
    {65, 3.755, -4.398, 1.975, 1.1, 1.5},
    {45, 1.018, -0.3107, 0.1539, 0.9, 1},       /* HP45; 0.9 V as in Horowitz 2014 */
    {32, 0.8367, -0.4341, 0.1701, 0.9, 0.46},   /* HP32 */
    {20, 0.373, -0.1582, 0.04104, 0.85, 0.21},  /* HP20 */
    {16, 0.2958, -0.1241, 0.03024, 0.8, 0.19},  /* HP16 */
    {14, 0.2363, -0.09675, 0.02239, 0.8, 0.17}, /* HP14 */
    {10, 0.2068, -0.09311, 0.02375, 0.75, 0.1}, /* HP10 */
    {7, 0.1776, -0.09097, 0.02447, 0.7, 0.059}, /* HP7 */
};
/* clang-format on */
#define POWER_NNODES (sizeof power_nodes / sizeof power_nodes[0])

static int power_node_idx(int nm)
{
    for (size_t i = 0; i < POWER_NNODES; i++)
        if (power_nodes[i].nm == nm)
            return (int)i;
    return -1;
}

static double power_node_energy(const power_node *n)
{
    return n->a * n->vnom * n->vnom + n->b * n->vnom + n->c;
}

ax_result power_node_factors(int node_nm, double *energy, double *area, double *vnom_v, int *approx,
                             char **err)
{
    const power_node *ref = &power_nodes[power_node_idx(45)];
    int i = power_node_idx(node_nm);
    if (i >= 0) {
        *energy = power_node_energy(&power_nodes[i]) / power_node_energy(ref);
        *area = power_nodes[i].area45;
        *vnom_v = power_nodes[i].vnom;
        *approx = 0;
        return AX_OK;
    }
    if (node_nm == 28 || node_nm == 22) { /* between 32 and 20 nm, linear in nm */
        const power_node *hi = &power_nodes[power_node_idx(32)],
                         *lo = &power_nodes[power_node_idx(20)];
        double w = (double)(hi->nm - node_nm) / (double)(hi->nm - lo->nm);
        double eh = power_node_energy(hi) / power_node_energy(ref);
        double el = power_node_energy(lo) / power_node_energy(ref);
        *energy = eh + w * (el - eh);
        *area = hi->area45 + w * (lo->area45 - hi->area45);
        *vnom_v = node_nm == 28 ? 0.9 : 0.85; /* assumed */
        *approx = 1;
        return AX_OK;
    }
    return ax_fail(err, AX_EPARAM,
                   "node %d nm is not supported (hint: 180 130 90 65 45 32 28 22 "
                   "20 16 14 10 7; 28 and 22 are interpolated)",
                   node_nm);
}

ax_result power_table_scale(power_table *t, int node_nm, double vdd_v, char **err)
{
    if (node_nm < 0)
        return ax_fail(err, AX_EPARAM, "node %d nm is negative", node_nm);
    if (vdd_v != 0 && !(vdd_v >= 0.3 && vdd_v <= 2.0))
        return ax_fail(err, AX_EPARAM, "supply %g V is outside [0.3, 2.0] V (hint: --vdd 0.8)",
                       vdd_v);
    int from = (int)lround(t->node_nm);
    int to = node_nm ? node_nm : from;
    double e = 1, a = 1, vnom_to = t->vdd_v, v;
    int approx = 0;
    if (to != from) {
        double ef, af, vf, et, at;
        int apf, apt;
        ax_result rc = power_node_factors(from, &ef, &af, &vf, &apf, err);
        if (rc != AX_OK) {
            ax_err_prefix(err, "technology table %s is at an unsupported node", t->name);
            return rc;
        }
        rc = power_node_factors(to, &et, &at, &vnom_to, &apt, err);
        if (rc != AX_OK)
            return rc;
        /* table numbers at (from, vdd) → (from, vnom_from) → (to, vnom_to) */
        e = (vf / t->vdd_v) * (vf / t->vdd_v) * et / ef;
        a = at / af;
        approx = apf || apt;
    }
    v = vdd_v > 0 ? vdd_v : vnom_to;
    t->e_scale = e * (v / vnom_to) * (v / vnom_to);
    t->a_scale = a;
    /* leakage: constant per µm² (assumed) and ∝ V */
    t->l_scale = a * v / t->vdd_v;
    t->target_node = to;
    t->target_vdd = v;
    t->node_approx = approx;
    snprintf(t->version, sizeof t->version, "%s@%dnm/%.2fV%s", t->base_version, to, v,
             approx ? "~" : "");
    return AX_OK;
}
