// Look-ups on the VOTable data model: columns by name/ID/utype/UCD, the QUERY_STATUS, the
// results table and the DataLink service descriptors of an SSAP or TAP response.
#include "io/votable_detail.hpp"

#include <cstring>

namespace vocloud::io {

namespace {

using detail::asciiLower;

bool equalsIgnoreCase(std::string const& a, std::string const& b) {
  return a.size() == b.size() && asciiLower(a) == asciiLower(b);
}

// Depth-first over a resource and the resources inside it.
template <typename Visit>
bool visitResources(std::vector<VoResource> const& resources, Visit const& visit) {
  for (auto const& resource : resources) {
    if (visit(resource)) return true;
    if (visitResources(resource.resources, visit)) return true;
  }
  return false;
}

// The first RESOURCE type="results", else the first without a type (the default type).
VoResource const* resultsResource(VoDocument const& doc) {
  for (char const* type : {"results", ""}) {
    VoResource const* found = nullptr;
    visitResources(doc.resources, [&](VoResource const& resource) {
      if (equalsIgnoreCase(std::string(detail::trimXmlSpace(resource.type)), type))
        found = &resource;
      return found != nullptr;
    });
    if (found != nullptr) return found;
  }
  return nullptr;
}

VoInfo const* findStatus(std::vector<VoInfo> const& infos) {
  for (auto const& info : infos)
    if (equalsIgnoreCase(info.name, "QUERY_STATUS")) return &info;
  return nullptr;
}

VoInfo const* queryStatusInfo(VoDocument const& doc) {
  if (VoResource const* results = resultsResource(doc)) {
    if (VoInfo const* info = findStatus(results->infos)) return info;
    for (auto const& table : results->tables)
      if (VoInfo const* info = findStatus(table.infos)) return info;
  }
  if (VoInfo const* info = findStatus(doc.infos)) return info;
  VoInfo const* found = nullptr;
  visitResources(doc.resources, [&](VoResource const& resource) {
    found = findStatus(resource.infos);
    return found != nullptr;
  });
  return found;
}

template <typename Item, typename Key>
int indexWhere(std::vector<Item> const& items, Key const& matches) {
  for (std::size_t i = 0; i < items.size(); ++i)
    if (matches(items[i])) return static_cast<int>(i);
  return -1;
}

int matchField(std::vector<VoField const*> const& fields, std::string const& key) {
  auto find = [&](auto const& matches) {
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (matches(*fields[i])) return static_cast<int>(i);
    return -1;
  };
  if (key.empty()) return -1;
  int i = find([&](VoField const& f) { return f.name == key; });
  if (i < 0) i = find([&](VoField const& f) { return f.id == key; });
  // Names are case-sensitive in VOTable, but 'FLUX' for a column 'flux' means that column.
  if (i < 0) i = find([&](VoField const& f) { return equalsIgnoreCase(f.name, key); });
  if (i < 0) i = find([&](VoField const& f) { return equalsIgnoreCase(f.utype, key); });
  if (i < 0) i = find([&](VoField const& f) { return equalsIgnoreCase(f.ucd, key); });
  return i;
}

}  // namespace

int VoTable::column(std::string const& key) const {
  std::vector<VoField const*> list;
  for (auto const& field : fields) list.push_back(&field);
  return matchField(list, key);
}

int VoTable::columnByUtypeSuffix(std::string const& suffix) const {
  if (suffix.empty()) return -1;
  std::string const wanted = asciiLower(suffix);
  return indexWhere(fields, [&](VoField const& field) {
    std::string const utype = asciiLower(field.utype);
    if (utype.size() < wanted.size()) return false;
    std::size_t const at = utype.size() - wanted.size();
    if (utype.compare(at, wanted.size(), wanted) != 0) return false;
    return at == 0 || utype[at - 1] == ':' || utype[at - 1] == '.' || wanted.front() == '.' ||
           wanted.front() == ':';
  });
}

VoParam const* VoTable::param(std::string const& key) const {
  std::vector<VoField const*> list;
  for (auto const& p : params) list.push_back(&p.field);
  int const i = matchField(list, key);
  return i < 0 ? nullptr : &params[static_cast<std::size_t>(i)];
}

std::string VoDocument::queryStatus() const {
  VoInfo const* info = queryStatusInfo(*this);
  return info != nullptr ? std::string(detail::trimXmlSpace(info->value)) : std::string();
}

std::string VoDocument::queryStatusMessage() const {
  VoInfo const* info = queryStatusInfo(*this);
  return info != nullptr ? info->content : std::string();
}

VoTable const& VoDocument::resultsTable() const {
  if (VoResource const* results = resultsResource(*this); results && !results->tables.empty())
    return results->tables.front();
  VoTable const* found = nullptr;
  visitResources(resources, [&](VoResource const& resource) {
    if (!resource.tables.empty()) found = &resource.tables.front();
    return found != nullptr;
  });
  if (found == nullptr) {
    std::string status = queryStatus();
    std::string const message = queryStatusMessage();
    throw Error("votable: " + source + ": the document has no TABLE" +
                (status.empty()
                     ? std::string()
                     : " (QUERY_STATUS " + status + (message.empty() ? "" : ": " + message) + ")"));
  }
  return *found;
}

std::vector<ServiceDescriptor> VoDocument::serviceDescriptors() const {
  std::vector<ServiceDescriptor> out;
  visitResources(resources, [&](VoResource const& resource) {
    if (!equalsIgnoreCase(resource.type, "meta") ||
        !equalsIgnoreCase(resource.utype, "adhoc:service"))
      return false;
    ServiceDescriptor descriptor;
    descriptor.id = resource.id;
    descriptor.name = resource.name;
    descriptor.description = resource.description;
    for (auto const& param : resource.params) {
      std::string const name = asciiLower(param.field.name);
      if (name == "accessurl")
        descriptor.accessUrl = std::string(detail::trimXmlSpace(param.value));
      else if (name == "standardid")
        descriptor.standardId = std::string(detail::trimXmlSpace(param.value));
      else if (name == "resourceidentifier")
        descriptor.resourceIdentifier = std::string(detail::trimXmlSpace(param.value));
    }
    for (auto const& group : resource.groups)
      if (group.name == "inputParams")
        descriptor.inputParams.insert(descriptor.inputParams.end(), group.params.begin(),
                                      group.params.end());
    out.push_back(std::move(descriptor));
    return false;
  });
  return out;
}

bool looksLikeVoTable(std::string const& content) {
  // Skip the XML declaration, comments, processing instructions and a DOCTYPE, then read
  // the root element's name.
  std::size_t i = 0;
  if (content.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;  // UTF-8 byte order mark
  while (i < content.size()) {
    i = content.find('<', i);
    if (i == std::string::npos || i + 1 >= content.size()) return false;
    char const next = content[i + 1];
    if (next == '?' || next == '!') {
      char const* close = content.compare(i, 4, "<!--") == 0 ? "-->" : ">";
      i = content.find(close, i);
      if (i == std::string::npos) return false;
      continue;
    }
    std::size_t end = i + 1;
    while (end < content.size() && std::strchr(" \t\r\n/>", content[end]) == nullptr) ++end;
    std::string name = content.substr(i + 1, end - i - 1);
    if (auto const colon = name.rfind(':'); colon != std::string::npos) name.erase(0, colon + 1);
    return name == "VOTABLE";
  }
  return false;
}

}  // namespace vocloud::io
