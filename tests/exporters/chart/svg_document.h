// An SVG document as the chart tests read it: parsed by libxml2 (so well-formed XML or
// nothing), queried with XPath.
#pragma once

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <memory>
#include <string>
#include <vector>

namespace dialsoak::chart::testsupport {

// An SVG document parsed by libxml2, strictly (no recovery, no network, no DTD loaded):
// null when the text is not well-formed XML. XPath sees the prefixes svg and xlink.
class Svg {
 public:
  explicit Svg(const std::string& text)
      : doc_(xmlReadMemory(text.data(), static_cast<int>(text.size()), "chart.svg", "UTF-8",
                           XML_PARSE_NONET),
             xmlFreeDoc) {}
  bool ok() const { return doc_ != nullptr; }

  std::string RootName() const {
    xmlNode* root = ok() ? xmlDocGetRootElement(doc_.get()) : nullptr;
    return root == nullptr ? "" : reinterpret_cast<const char*>(root->name);
  }

  // The string values of the nodes the expression selects, in document order.
  std::vector<std::string> Strings(const std::string& xpath) const {
    std::vector<std::string> out;
    if (!ok()) return out;
    std::unique_ptr<xmlXPathContext, decltype(&xmlXPathFreeContext)> ctx(
        xmlXPathNewContext(doc_.get()), xmlXPathFreeContext);
    xmlXPathRegisterNs(ctx.get(), Chars("svg"), Chars("http://www.w3.org/2000/svg"));
    xmlXPathRegisterNs(ctx.get(), Chars("xlink"), Chars("http://www.w3.org/1999/xlink"));
    std::unique_ptr<xmlXPathObject, decltype(&xmlXPathFreeObject)> r(
        xmlXPathEvalExpression(Chars(xpath.c_str()), ctx.get()), xmlXPathFreeObject);
    if (r == nullptr || r->nodesetval == nullptr) return out;
    for (int i = 0; i < r->nodesetval->nodeNr; ++i) {
      xmlChar* s = xmlXPathCastNodeToString(r->nodesetval->nodeTab[i]);
      out.emplace_back(reinterpret_cast<const char*>(s));
      xmlFree(s);
    }
    return out;
  }

  // Every <text>, trimmed (tick labels come padded with spaces).
  std::vector<std::string> Texts() const {
    auto texts = Strings("//svg:text");
    for (auto& t : texts) {
      t.erase(0, t.find_first_not_of(' '));
      t.erase(t.find_last_not_of(' ') + 1);
    }
    return texts;
  }

 private:
  static const xmlChar* Chars(const char* s) { return reinterpret_cast<const xmlChar*>(s); }
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc_;
};

}  // namespace dialsoak::chart::testsupport
