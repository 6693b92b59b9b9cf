#include "civetweb_tls_repair.h"

#include <link.h>

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include <openssl/ssl.h>

namespace dialsoak::prometheus_export {
namespace {

struct Range {
  std::uintptr_t begin, end;
};

struct Segments {
  bool found = false;
  std::vector<Range> readable;
  std::vector<Range> writable;
};

int Collect(dl_phdr_info* info, size_t, void* data) {
  auto* s = static_cast<Segments*>(data);
  if (info->dlpi_name == nullptr || std::strstr(info->dlpi_name, "libcivetweb.so") == nullptr) {
    return 0;
  }
  s->found = true;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    Range r{info->dlpi_addr + ph.p_vaddr, info->dlpi_addr + ph.p_vaddr + ph.p_memsz};
    if (ph.p_flags & PF_R) s->readable.push_back(r);
    if (ph.p_flags & PF_W) s->writable.push_back(r);
  }
  return 1;
}

// Addresses where the NUL-terminated string TEXT starts in the object's readable segments.
std::vector<std::uintptr_t> Strings(const Segments& s, std::string_view text) {
  std::vector<std::uintptr_t> found;
  const std::string_view with_nul(text.data(), text.size() + 1);
  for (const Range& r : s.readable) {
    std::string_view mem(reinterpret_cast<const char*>(r.begin), r.end - r.begin);
    for (size_t at = mem.find(with_nul); at != std::string_view::npos;
         at = mem.find(with_nul, at + 1)) {
      if (at == 0 || mem[at - 1] == '\0') found.push_back(r.begin + at);
    }
  }
  return found;
}

// civetweb 1.15's struct ssl_func.
struct SslFunc {
  const char* name;
  int required;
  void (*ptr)();
};

}  // namespace

std::string RepairCivetwebTls() {
  Segments s;
  dl_iterate_phdr(&Collect, &s);
  if (!s.found) return "libcivetweb is not loaded";
  const auto names = Strings(s, "SSL_get_peer_certificate");
  const auto before = Strings(s, "SSL_CTX_set_verify_depth");
  if (names.empty() || before.empty()) return "civetweb names no SSL_get_peer_certificate";
  int entries = 0;
  for (const Range& r : s.writable) {
    for (std::uintptr_t a = (r.begin + alignof(SslFunc) - 1) & ~(alignof(SslFunc) - 1);
         a + sizeof(SslFunc) <= r.end; a += alignof(SslFunc)) {
      auto* f = reinterpret_cast<SslFunc*>(a);
      bool is_name = false;
      for (auto n : names) is_name = is_name || reinterpret_cast<std::uintptr_t>(f->name) == n;
      if (!is_name || a < r.begin + sizeof(SslFunc)) continue;
      auto* prev = f - 1;
      bool prev_ok = false;
      for (auto b : before) prev_ok = prev_ok || reinterpret_cast<std::uintptr_t>(prev->name) == b;
      if (!prev_ok) continue;
      ++entries;
      if (f->ptr == nullptr) {
        f->ptr = reinterpret_cast<void (*)()>(&SSL_get1_peer_certificate);
      }
    }
  }
  if (entries != 1) {
    return "found " + std::to_string(entries) +
           " entries for SSL_get_peer_certificate in civetweb's OpenSSL table, expected 1";
  }
  return {};
}

}  // namespace dialsoak::prometheus_export
