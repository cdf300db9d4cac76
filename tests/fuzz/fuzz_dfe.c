/* Fuzz the DfE school-level importers (collab/import_dfe.h): dfe-ks4,
 * dfe-census, dfe-absence and dfe-ks2, picked by the first byte; the harness is
 * fuzz_import.c's, with the same checks (a refused file changes nothing). */
#define FUZZ_FIRST_KIND IMP_DFE_KS4
#define FUZZ_NKINDS 4
#include "fuzz_import.c"
