/*
 * `axon map --read-image FILE [--core N]`: validates a core image
 * (docs/core-image.md) and prints its layers, or one core's weight rows for
 * an RTL testbench. Rows are printed one per line as hex bytes with weight
 * C-1 first, so `$readmemh` into a logic [8*C-1:0] memory puts weight j in
 * bits [8j+7:8j], the lane order of rtl/axon_sram.sv; --json gives the rows
 * as signed integers instead.
 */
#include "cmd.h"
#include "cmd_map_int.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static int dump_core(const char *path, const map_image *img, size_t core, int fmt)
{
    int R, C;
    map_image_tile(img, &R, &C, NULL, NULL);
    int8_t *rows = malloc((size_t)R * (size_t)C);
    map_image_core info;
    char *err = NULL;
    if (!rows)
        return cmd_fail("map", strdup("out of memory"));
    if (map_image_core_rows(img, core, rows, &info, &err)) {
        free(rows);
        return cmd_fail("map", err);
    }
    const map_image_layer *L = map_image_layer_at(img, info.layer);
    if (fmt == CMD_MAP_JSON) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "core", (double)core);
        cJSON_AddStringToObject(o, "layer", L->name);
        cJSON_AddNumberToObject(o, "r", info.r);
        cJSON_AddNumberToObject(o, "c", info.c);
        cJSON_AddNumberToObject(o, "pass", info.pos.pass);
        cJSON_AddNumberToObject(o, "x", info.pos.x);
        cJSON_AddNumberToObject(o, "y", info.pos.y);
        cJSON_AddNumberToObject(o, "rows_used", info.rows_used);
        cJSON_AddNumberToObject(o, "cols_used", info.cols_used);
        cJSON *a = cJSON_AddArrayToObject(o, "rows");
        for (int k = 0; k < R; k++) {
            cJSON *row = cJSON_CreateArray();
            for (int j = 0; j < C; j++)
                cJSON_AddItemToArray(row, cJSON_CreateNumber(rows[(size_t)k * C + j]));
            cJSON_AddItemToArray(a, row);
        }
        cmd_print_json(o);
    } else {
        printf("// %s core %zu: layer %s tile (%u, %u), pass %u at (%u, %u), %ux%u used of %dx%d\n"
               "// one row per axon, weight %d first: $readmemh into logic [%d:0] mem [0:%d]\n",
               path, core, L->name, info.r, info.c, info.pos.pass, info.pos.x, info.pos.y,
               info.rows_used, info.cols_used, R, C, C - 1, 8 * C - 1, R - 1);
        for (int k = 0; k < R; k++) {
            for (int j = C - 1; j >= 0; j--)
                printf("%02x", (unsigned)(uint8_t)rows[(size_t)k * C + j]);
            printf("\n");
        }
    }
    free(rows);
    return CMD_OK;
}

int cmd_map_read_image(const char *path, long core, int fmt, int threads)
{
    map_image *img;
    char *err = NULL;
    if (map_image_open(path, &img, &err))
        return cmd_fail("map", err);
    map_image_set_threads(img, threads);
    int rc = CMD_OK;
    if (core < 0 && map_image_verify(img, &err)) { /* --read-image checks every section */
        map_image_free(img);
        return cmd_fail("map", err);
    }
    if (core >= 0) {
        rc = dump_core(path, img, (size_t)core, fmt);
        map_image_free(img);
        return rc;
    }
    int R, C, W, H;
    map_image_tile(img, &R, &C, &W, &H);
    if (fmt == CMD_MAP_JSON) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "tile_rows", R);
        cJSON_AddNumberToObject(o, "tile_cols", C);
        cJSON_AddNumberToObject(o, "mesh_w", W);
        cJSON_AddNumberToObject(o, "mesh_h", H);
        cJSON_AddNumberToObject(o, "cores", (double)map_image_ncores(img));
        cJSON *a = cJSON_AddArrayToObject(o, "layers");
        for (size_t i = 0; i < map_image_nlayers(img); i++) {
            const map_image_layer *L = map_image_layer_at(img, i);
            cJSON *l = cJSON_CreateObject();
            cJSON_AddStringToObject(l, "layer", L->name);
            cJSON_AddNumberToObject(l, "out", (double)L->out);
            cJSON_AddNumberToObject(l, "in", (double)L->in);
            cJSON_AddNumberToObject(l, "group", (double)L->group);
            cJSON_AddNumberToObject(l, "row_blocks", (double)L->rb);
            cJSON_AddNumberToObject(l, "col_blocks", (double)L->cb);
            cJSON_AddNumberToObject(l, "first_core", (double)L->first_core);
            cJSON_AddBoolToObject(l, "permuted", L->permuted);
            cJSON_AddItemToArray(a, l);
        }
        cmd_print_json(o);
    } else {
        printf("%s: valid core image, tile %dx%d, mesh %dx%d, %zu layers, %zu cores\n", path, R, C,
               W, H, map_image_nlayers(img), map_image_ncores(img));
        for (size_t i = 0; i < map_image_nlayers(img); i++) {
            const map_image_layer *L = map_image_layer_at(img, i);
            printf("  %-44s [%zu, %zu] group %zu, %zux%zu tiles from core %zu%s\n", L->name, L->out,
                   L->in, L->group, L->rb, L->cb, L->first_core,
                   L->permuted ? ", input channels permuted" : "");
        }
    }
    map_image_free(img);
    return rc;
}
