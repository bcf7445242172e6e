/* Private to mapper/: shared between its modules. */
#ifndef AX_MAP_INT_H
#define AX_MAP_INT_H

#include "map.h"

/* Allocates q and scale of *qw for [out, in] with group (0 or > in = per channel). */
ax_result map_qweight_alloc(map_qweight *qw, size_t out, size_t in, size_t group, char **err);

#endif
