/*
 * db_fake — a stand-in point evaluator for testing sweeps end to end
 * (`axon sweep --eval fake`): its "results" are simple closed-form
 * functions of the parameters, not physics, and every run it produces is
 * stored with evaluator = 'fake' so it can never pass for a simulation.
 * It exists so the sweep machinery (parallel workers, kill -9 and resume,
 * shards, merge, plots) is tested without depending on the simulator's
 * speed. AXON_FAKE_DELAY_MS (environment) makes each point take that long.
 *
 *   energy_pj   = (async ? 1000 : clock_mhz) + rows*cols/100 + 10*k + 5*steps_used
 *   duration    = 1000 + rows cycles (sync), 2000 + rows ns (async)
 *   rel_error   = 1/(k*steps_used), steps_used = 2 + coding index
 */
#include "db.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

ax_result db_fake_eval(void *user, const run_job *j, run_result *r, char **err)
{
    (void)user;
    const char *delay = getenv("AXON_FAKE_DELAY_MS");
    if (delay) {
        long ms = strtol(delay, NULL, 10);
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (j->cfg.rows <= 0 || j->cfg.cols <= 0)
        return ax_fail(err, AX_EPARAM, "fake evaluator: tile %dx%d", j->cfg.rows, j->cfg.cols);
    int async = j->cfg.timing == SIM_ASYNC;
    int steps = 2 + (int)j->coding;
    double clock = async ? 1000.0 : j->cfg.clock_mhz;
    memset(r, 0, sizeof *r);
    r->tokens = 8;
    r->in = 256;
    r->out = 256;
    r->sim.cores = (size_t)((256 + j->cfg.rows - 1) / j->cfg.rows) *
                   (size_t)((256 + j->cfg.cols - 1) / j->cfg.cols);
    r->sim.timing = j->cfg.timing;
    r->sim.duration = async ? (2000 + j->cfg.rows) * 1000 : 1000 + j->cfg.rows;
    r->sim.duration_ns = async ? (double)(2000 + j->cfg.rows)
                               : (1000.0 + j->cfg.rows) * 1000.0 / clock;
    r->sim.latency_ns_per_token = r->sim.duration_ns / 8;
    r->sim.total.events = 100;
    r->sim.total.adds = 100 * 256;
    r->spikes.steps = steps;
    r->spikes.firing_rate = 0.3;
    r->spikes.sparsity = 0.7;
    r->power.energy_pj = clock + j->cfg.rows * j->cfg.cols / 100.0 + 10.0 * j->sp.k + 5.0 * steps;
    r->power.energy_pj_per_token = r->power.energy_pj / 8;
    r->power.dynamic_pj = 0.8 * r->power.energy_pj;
    r->power.leakage_pj = 0.2 * r->power.energy_pj;
    r->power.power_mw = r->power.energy_pj / r->sim.duration_ns; /* pJ/ns = mW */
    r->power.base_energy_pj = 3 * r->power.energy_pj;
    r->power.base_energy_pj_per_token = r->power.base_energy_pj / 8;
    r->power.energy_reduction_pct = 100.0 * (1 - 1.0 / 3);
    r->exact = 1;
    r->has_output = 1;
    r->rel_error = 1.0 / (j->sp.k * steps);
    r->cosine = 1 - r->rel_error;
    r->snr_db = 20;
    return AX_OK;
}
