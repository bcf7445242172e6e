/*
 * ax_json — JSON text whose every number reads back as the same double.
 *
 * cJSON prints a number with 15 significant digits whenever those read back
 * within DBL_EPSILON of it (its compare_double), so a report's energy could
 * be one unit in the last place away from the double the library holds
 * (0.1 + 0.2 printed as 0.3). ax_json_print prints a copy of the tree whose
 * numbers carry the shortest of %.15g, %.16g and %.17g that strtod turns
 * back into exactly the same double (NaN and infinities as null, as cJSON).
 */
#ifndef AX_JSON_H
#define AX_JSON_H

#include <cjson/cJSON.h>

/* The text of root (formatted as cJSON_Print, or as cJSON_PrintUnformatted);
 * root is not changed. Returns a string the caller frees with free(), or
 * NULL when out of memory. */
char *ax_json_print(const cJSON *root, int formatted);

/* The shortest exact form of d into buf (at least 32 bytes); "null" for NaN
 * and infinities. */
void ax_json_number(double d, char *buf);

#endif
