#include "malloc_arenas.h"

#include <cstdlib>  // defines __GLIBC__ with glibc, so the test below means something

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
