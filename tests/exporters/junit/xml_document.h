// A JUnit file as the tests read it: parsed by libxml2, strictly, then asked by XPath.
#pragma once

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include <memory>
#include <string>

namespace dialsoak::junit::xml_testing {

// A document parsed by libxml2, strictly (no recovery, no network): null when the text is
// not well-formed XML 1.0 in UTF-8.
class Xml {
 public:
  explicit Xml(const std::string& text)
      : doc_(xmlReadMemory(text.data(), static_cast<int>(text.size()), "junit.xml", "UTF-8",
                           XML_PARSE_NONET),
             xmlFreeDoc) {}
  bool ok() const { return doc_ != nullptr; }

  // The XPath expression's value as a string ("" when the document did not parse).
  std::string Str(const std::string& xpath) const {
    if (!ok()) return "";
    std::unique_ptr<xmlXPathContext, decltype(&xmlXPathFreeContext)> ctx(
        xmlXPathNewContext(doc_.get()), xmlXPathFreeContext);
    std::unique_ptr<xmlXPathObject, decltype(&xmlXPathFreeObject)> r(
        xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(xpath.c_str()), ctx.get()),
        xmlXPathFreeObject);
    if (r == nullptr) return "<bad xpath>";
    xmlChar* s = xmlXPathCastToString(r.get());
    std::string out(reinterpret_cast<const char*>(s));
    xmlFree(s);
    return out;
  }
  int Count(const std::string& xpath) const { return std::stoi(Str("count(" + xpath + ")")); }

 private:
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc_;
};

}  // namespace dialsoak::junit::xml_testing
