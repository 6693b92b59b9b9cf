#include "malloc_arenas.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace dialsoak::cli {

void LimitMallocArenas() {
#if defined(__GLIBC__)
  ::mallopt(M_ARENA_MAX, 1);
#endif
}

}  // namespace dialsoak::cli
