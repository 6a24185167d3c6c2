#include "uws/job_xml.hpp"

#include "core/error.hpp"

#include <libxml/tree.h>

#include <memory>

namespace vocloud::uws {

namespace {

constexpr char const* kUwsNs = "http://www.ivoa.net/xml/UWS/v1.0";
constexpr char const* kXlinkNs = "http://www.w3.org/1999/xlink";
constexpr char const* kXsiNs = "http://www.w3.org/2001/XMLSchema-instance";

xmlChar const* x(char const* text) {
  return reinterpret_cast<xmlChar const*>(text);
}

// XML 1.0 has no place for control characters other than tab, newline and return: they
// become '?' so that a document stays well-formed whatever a user sent.
std::string xmlSafe(std::string text) {
  for (char& c : text) {
    auto const u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') c = '?';
  }
  return text;
}

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

// A document whose root element `name` declares the uws, xlink and xsi namespaces.
class Writer {
 public:
  // Only <uws:job> and <uws:jobs> carry the version attribute in the schema.
  explicit Writer(char const* name, bool versioned = true) : _doc(xmlNewDoc(x("1.0"))) {
    if (!_doc) throw Error("uws: xml: out of memory");
    _root = xmlNewNode(nullptr, x(name));
    xmlDocSetRootElement(_doc.get(), _root);
    _uws = xmlNewNs(_root, x(kUwsNs), x("uws"));
    _xlink = xmlNewNs(_root, x(kXlinkNs), x("xlink"));
    _xsi = xmlNewNs(_root, x(kXsiNs), x("xsi"));
    xmlSetNs(_root, _uws);
    if (versioned) xmlNewProp(_root, x("version"), x("1.1"));
  }

  xmlNode* root() const { return _root; }

  // A child element with escaped text content.
  xmlNode* add(xmlNode* parent, char const* name, std::string const& text) {
    return xmlNewTextChild(parent, _uws, x(name), x(xmlSafe(text).c_str()));
  }
  xmlNode* addEmpty(xmlNode* parent, char const* name) {
    return xmlNewChild(parent, _uws, x(name), nullptr);
  }
  // A nillable element: its time, or xsi:nil="true" when `seconds` is 0.
  void addTime(xmlNode* parent, char const* name, double seconds) {
    if (seconds > 0) {
      add(parent, name, isoTime(seconds));
    } else {
      xmlNewNsProp(addEmpty(parent, name), _xsi, x("nil"), x("true"));
    }
  }
  void prop(xmlNode* node, char const* name, std::string const& value) {
    xmlNewProp(node, x(name), x(xmlSafe(value).c_str()));
  }
  void xlinkHref(xmlNode* node, std::string const& href) {
    xmlNewNsProp(node, _xlink, x("type"), x("simple"));
    xmlNewNsProp(node, _xlink, x("href"), x(href.c_str()));
  }

  std::string text() const {
    xmlChar* buffer = nullptr;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(_doc.get(), &buffer, &size, "UTF-8", 1);
    if (!buffer) throw Error("uws: xml: cannot serialise a document");
    std::string out(reinterpret_cast<char const*>(buffer), static_cast<std::size_t>(size));
    xmlFree(buffer);
    return out;
  }

 private:
  DocPtr _doc;
  xmlNode* _root = nullptr;
  xmlNs* _uws = nullptr;
  xmlNs* _xlink = nullptr;
  xmlNs* _xsi = nullptr;
};

void addParameters(Writer& w, xmlNode* parent, std::vector<Parameter> const& parameters) {
  for (auto const& p : parameters) w.prop(w.add(parent, "parameter", p.value), "id", p.id);
}

void addResults(Writer& w, xmlNode* parent, std::vector<ResultRef> const& results) {
  for (auto const& r : results) {
    xmlNode* node = w.addEmpty(parent, "result");
    w.prop(node, "id", r.id);
    w.xlinkHref(node, r.href);
    if (r.size >= 0) w.prop(node, "size", std::to_string(r.size));
    if (!r.mimeType.empty()) w.prop(node, "mime-type", r.mimeType);
  }
}

}  // namespace

std::string jobListXml(std::vector<Job> const& jobs, std::string const& baseUrl) {
  Writer w("jobs");
  for (auto const& job : jobs) {
    xmlNode* ref = w.addEmpty(w.root(), "jobref");
    w.prop(ref, "id", job.id);
    w.xlinkHref(ref, baseUrl + "/" + job.id);
    w.add(ref, "phase", phaseName(job.phase));
    if (!job.runId.empty()) w.add(ref, "runId", job.runId);
    w.add(ref, "ownerId", job.owner);
    w.add(ref, "creationTime", isoTime(job.creationTime));
  }
  return w.text();
}

std::string jobXml(JobView const& view) {
  Job const& job = view.job;
  Writer w("job");
  xmlNode* root = w.root();
  w.add(root, "jobId", job.id);
  if (!job.runId.empty()) w.add(root, "runId", job.runId);
  w.add(root, "ownerId", job.owner);
  w.add(root, "phase", phaseName(job.phase));
  w.addTime(root, "quote", 0);
  w.add(root, "creationTime", isoTime(job.creationTime));
  w.addTime(root, "startTime", job.startTime);
  w.addTime(root, "endTime", job.endTime);
  w.add(root, "executionDuration", std::to_string(job.executionDuration));
  w.addTime(root, "destruction", job.destruction);
  addParameters(w, w.addEmpty(root, "parameters"), view.parameters);
  addResults(w, w.addEmpty(root, "results"), view.results);
  if (job.phase == Phase::Error || !job.error.empty()) {
    xmlNode* summary = w.addEmpty(root, "errorSummary");
    w.prop(summary, "type", "fatal");
    w.prop(summary, "hasDetail", "true");
    w.add(summary, "message", job.error.empty() ? "the job failed" : job.error);
  }
  return w.text();
}

std::string parametersXml(std::vector<Parameter> const& parameters) {
  Writer w("parameters", false);
  addParameters(w, w.root(), parameters);
  return w.text();
}

std::string resultsXml(std::vector<ResultRef> const& results) {
  Writer w("results", false);
  addResults(w, w.root(), results);
  return w.text();
}

}  // namespace vocloud::uws
