/*
 * ax_json — JSON text with exact numbers (ax_json.h has the why).
 */
#include "ax_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ax_json_number(double d, char *buf)
{
    if (isnan(d) || isinf(d)) {
        strcpy(buf, "null");
        return;
    }
    for (int p = 15; p <= 17; p++) {
        snprintf(buf, 32, "%1.*g", p, d);
        if (strtod(buf, NULL) == d)
            return;
    }
}

/* every number of the tree into a raw node of its exact text; 0 or -1 */
static int exact(cJSON *o)
{
    for (; o; o = o->next) {
        if (cJSON_IsNumber(o)) {
            char buf[32];
            ax_json_number(o->valuedouble, buf);
            char *t = strdup(buf);
            if (!t)
                return -1;
            o->type = cJSON_Raw | (o->type & cJSON_StringIsConst);
            o->valuestring = t;
        } else if (o->child && exact(o->child)) {
            return -1;
        }
    }
    return 0;
}

char *ax_json_print(const cJSON *root, int formatted)
{
    if (!root)
        return NULL;
    cJSON *c = cJSON_Duplicate(root, 1);
    if (!c)
        return NULL;
    char *s = NULL; /* (a duplicate has no siblings) */
    if (!exact(c))
        s = formatted ? cJSON_Print(c) : cJSON_PrintUnformatted(c);
    cJSON_Delete(c);
    return s;
}
