// XML 1.0 escaping for the JUnit writer (private to exporters/junit). Any bytes in, text
// a conforming parser accepts out:
//   - & < > " ' become entities, so the result is safe in content and in a quoted
//     attribute value;
//   - invalid UTF-8 (stray continuation bytes, overlong forms, surrogates, code points past
//     U+10FFFF, truncated sequences) becomes U+FFFD, one per bad byte, as do U+FFFE and
//     U+FFFF, which XML 1.0 forbids;
//   - C0 control characters XML 1.0 forbids (all below 0x20 but tab, LF, CR) become the
//     visible text "\xNN", as the terminal summary shows them;
//   - in attributes tab, LF and CR become character references (&#9; &#10; &#13;) so that
//     attribute normalization does not turn them into spaces; in content CR becomes &#13;
//     so that it survives line-end normalization.
// Pure functions; thread-compatible; never throw (except std::bad_alloc).
#pragma once

#include <string>
#include <string_view>

namespace dialsoak::junit {

std::string XmlText(std::string_view s);  // for element content
std::string XmlAttr(std::string_view s);  // for a double- or single-quoted attribute value

}  // namespace dialsoak::junit
