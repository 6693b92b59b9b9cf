#include "dialsoak/observer/incarnations.h"

namespace dialsoak {

Incarnations::Seen Incarnations::Note(const ProbeSample& s) {
  State& st = processes_[s.process];
  Seen out;
  if (s.alive && s.error.empty() && s.pid != 0) {
    if (st.pid != 0 && s.pid != st.pid) {
      ++st.incarnation;
      out.restart = ProcessRestart{s.process,   st.pid,       s.pid,        st.incarnation,
                                   st.last_good, s.at,        st.last_good_cycles,
                                   s.cycles_done};
    }
    st.pid = s.pid;
    st.last_good = s.at;
    st.last_good_cycles = s.cycles_done;
  }
  out.incarnation = st.incarnation;
  return out;
}

}  // namespace dialsoak
