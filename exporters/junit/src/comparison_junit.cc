#include "dialsoak/junit/comparison_junit.h"

#include <algorithm>

#include <fmt/format.h>

#include "dialsoak/report/atomic_file.h"
#include "xml_escape.h"

namespace dialsoak::junit {

std::string RenderComparisonJUnit(const report::Comparison& c, int exit_code) {
  const auto failures = std::count_if(c.gates.begin(), c.gates.end(),
                                      [](const report::GateResult& g) { return g.failed; });
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"dialsoak compare\" tests=\"{0}\" failures=\"{1}\" errors=\"0\" "
                     "skipped=\"0\">\n  <testsuite name=\"dialsoak compare\" tests=\"{0}\" "
                     "failures=\"{1}\" errors=\"0\" skipped=\"0\">\n",
                     c.gates.size(), failures);
  out += "    <properties>\n";
  const auto property = [&](std::string_view name, const std::string& value) {
    out += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", name, XmlAttr(value));
  };
  property("base", c.base_path);
  property("base_run_id", c.base_id);
  property("new", c.next_path);
  property("new_run_id", c.next_id);
  property("compared", c.kind);
  property("confidence", fmt::format("{:g}", c.confidence));
  property("exit_code", std::to_string(exit_code));
  out += "    </properties>\n";
  for (const report::GateResult& g : c.gates) {
    out += fmt::format("    <testcase classname=\"dialsoak.compare\" name=\"{}\" time=\"0\">\n",
                       XmlAttr(g.expression));
    if (g.failed) {
      out += fmt::format("      <failure type=\"regression\" message=\"{}\">{}</failure>\n",
                         XmlAttr(g.message), XmlText(g.message));
    } else {
      out += fmt::format("      <system-out>{}</system-out>\n", XmlText(g.message));
    }
    out += "    </testcase>\n";
  }
  out += fmt::format("    <system-out>{}</system-out>\n", XmlText(report::RenderComparison(c)));
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

io::Result<void> WriteComparisonJUnit(const std::string& path, const report::Comparison& c,
                                      int exit_code) {
  return report::WriteFileAtomically(path, RenderComparisonJUnit(c, exit_code));
}

}  // namespace dialsoak::junit
