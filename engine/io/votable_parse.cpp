// The VOTable parser: expat SAX events build the VoDocument tree. Namespace prefixes on
// element names are dropped, so VOTable 1.1-1.4 read the same with or without a default
// namespace or a "vot:" prefix. Unknown elements (COOSYS, TIMESYS, DEFINITIONS, ...) are
// skipped; what they contain still lands in the nearest enclosing container.
#include "io/votable_detail.hpp"

#include <expat.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <fstream>
#include <iterator>
#include <vector>

namespace vocloud::io {

namespace {

enum class Element {
  VoTable,
  Resource,
  Table,
  Field,
  Param,
  Group,
  FieldRef,
  ParamRef,
  Info,
  Description,
  Values,
  Min,
  Max,
  Option,
  Link,
  Data,
  TableData,
  Tr,
  Td,
  Binary,
  Binary2,
  Stream,
  Fits,
  Other
};

Element elementOf(std::string_view name) {
  // In the order of Element.
  static char const* const kNames[] = {
      "VOTABLE",   "RESOURCE",    "TABLE",  "FIELD",  "PARAM",   "GROUP",  "FIELDref", "PARAMref",
      "INFO",      "DESCRIPTION", "VALUES", "MIN",    "MAX",     "OPTION", "LINK",     "DATA",
      "TABLEDATA", "TR",          "TD",     "BINARY", "BINARY2", "STREAM", "FITS"};
  static_assert(std::size(kNames) == static_cast<std::size_t>(Element::Other));
  auto const colon = name.rfind(':');
  if (colon != std::string_view::npos) name.remove_prefix(colon + 1);
  for (std::size_t i = 0; i < std::size(kNames); ++i)
    if (name == kNames[i]) return static_cast<Element>(i);
  return Element::Other;
}

// Owns the expat parser.
class ExpatParser {
 public:
  ExpatParser() : _parser(XML_ParserCreate(nullptr)) {
    if (_parser == nullptr) throw Error("votable: cannot create an XML parser (out of memory)");
  }
  ~ExpatParser() { XML_ParserFree(_parser); }
  ExpatParser(ExpatParser const&) = delete;
  ExpatParser& operator=(ExpatParser const&) = delete;
  XML_Parser get() const { return _parser; }

 private:
  XML_Parser _parser;
};

// Deepest nesting of elements read (real VOTables nest fewer than 10 levels).
constexpr std::size_t kMaxDepth = 256;

// One open element and the object it fills (at most one pointer is set). The pointers stay
// valid while the element is open: a container gets its next child only after this one
// closes, because start() refuses a FIELD, PARAM, INFO or TABLE opened inside another of its
// kind (that child would land in the same list and move the open one).
struct Frame {
  Element element;
  long line;
  VoResource* resource = nullptr;
  VoTable* table = nullptr;
  VoGroup* group = nullptr;
  VoField* field = nullptr;  // FIELD, the field part of a PARAM, or the owner of VALUES
  VoInfo* info = nullptr;
};

char const* attribute(char const** attributes, char const* name) {
  for (; *attributes != nullptr; attributes += 2)
    if (std::strcmp(attributes[0], name) == 0) return attributes[1];
  return "";
}

VoField fieldFrom(char const** attributes) {
  VoField field;
  field.name = attribute(attributes, "name");
  field.id = attribute(attributes, "ID");
  field.datatype = attribute(attributes, "datatype");
  field.arraysize = attribute(attributes, "arraysize");
  field.unit = attribute(attributes, "unit");
  field.ucd = attribute(attributes, "ucd");
  field.utype = attribute(attributes, "utype");
  field.ref = attribute(attributes, "ref");
  field.xtype = attribute(attributes, "xtype");
  field.width = attribute(attributes, "width");
  field.precision = attribute(attributes, "precision");
  return field;
}

// Builds the document from expat's events. Handlers never let an exception reach expat:
// the first one is kept, the parser stopped, and parseVoTable() rethrows it.
class Builder {
 public:
  Builder(std::string const& source, XML_Parser parser) : _parser(parser) { _doc.source = source; }

  void start(char const* name, char const** attributes);
  void end();
  void text(char const* data, int length) {
    if (_capturing) _text.append(data, static_cast<std::size_t>(length));
  }

  VoDocument take() { return std::move(_doc); }
  bool rootSeen() const { return _rootSeen; }

 private:
  [[noreturn]] void fail(long line, std::string const& what) const {
    throw VoTableError("votable: " + _doc.source + ":" + std::to_string(line) + ": " + what, line,
                       false);
  }
  // The innermost open element of one of `kinds`, below the top one (the element being
  // started or ended), or nullptr.
  Frame* enclosing(std::initializer_list<Element> kinds) {
    for (std::size_t i = _stack.size() - 1; i-- > 0;)
      for (Element kind : kinds)
        if (_stack[i].element == kind) return &_stack[i];
    return nullptr;
  }
  Frame* parent() { return _stack.size() >= 2 ? &_stack[_stack.size() - 2] : nullptr; }
  void capture() {
    _capturing = true;
    _text.clear();
  }
  std::string captured(bool trim) {
    _capturing = false;
    std::string out = trim ? std::string(detail::trimXmlSpace(_text)) : std::move(_text);
    _text.clear();
    return out;
  }
  void refuseSameKindInside(Element element, char const* name, long line);
  void startResource(Frame& frame, char const** attributes);
  void startTable(Frame& frame, char const** attributes);
  void startField(Frame& frame, char const** attributes);
  void startParam(Frame& frame, char const** attributes);
  void startGroup(Frame& frame, char const** attributes);
  void startInfo(Frame& frame, char const** attributes);
  void startStream(Frame const& frame, char const** attributes);
  void startTableData();
  void endDescription();
  void endCell();
  void endRow(Frame const& frame);
  void endStream(Frame const& frame);

  XML_Parser _parser;
  VoDocument _doc;
  std::vector<Frame> _stack;
  bool _rootSeen = false;
  bool _capturing = false;
  std::string _text;
  std::vector<std::string> _row;  // cells of the open TR
  // How the TDs of each column of the open TABLEDATA are read.
  struct CellKind {
    bool text = false;     // char or unicodeChar: blanks are content
    bool boolean = false;  // a scalar boolean: '?' is a null
    bool hasNull = false;  // an integer column with VALUES null=
    std::int64_t null = 0;
  };
  std::vector<CellKind> _columns;
  bool _binary2 = false;  // the open STREAM belongs to BINARY2
};

void Builder::startResource(Frame& frame, char const** attributes) {
  Frame* container = enclosing({Element::Resource});
  auto& list = container != nullptr ? container->resource->resources : _doc.resources;
  VoResource resource;
  resource.name = attribute(attributes, "name");
  resource.id = attribute(attributes, "ID");
  resource.type = attribute(attributes, "type");
  resource.utype = attribute(attributes, "utype");
  list.push_back(std::move(resource));
  frame.resource = &list.back();
}

void Builder::startTable(Frame& frame, char const** attributes) {
  Frame* container = enclosing({Element::Resource});
  if (container == nullptr) fail(frame.line, "a TABLE outside any RESOURCE");
  VoTable table;
  table.name = attribute(attributes, "name");
  table.id = attribute(attributes, "ID");
  table.utype = attribute(attributes, "utype");
  table.ucd = attribute(attributes, "ucd");
  table.ref = attribute(attributes, "ref");
  container->resource->tables.push_back(std::move(table));
  frame.table = &container->resource->tables.back();
}

void Builder::startField(Frame& frame, char const** attributes) {
  Frame* container = enclosing({Element::Table});
  if (container == nullptr) return;  // a FIELD outside a TABLE describes nothing we keep
  VoTable& table = *container->table;
  if (!table.rows.empty()) fail(frame.line, "a FIELD after the DATA of its TABLE");
  table.fields.push_back(fieldFrom(attributes));
  frame.field = &table.fields.back();
}

void Builder::startParam(Frame& frame, char const** attributes) {
  Frame* container =
      enclosing({Element::Group, Element::Table, Element::Resource, Element::VoTable});
  if (container == nullptr) return;
  auto& list = container->group      ? container->group->params
               : container->table    ? container->table->params
               : container->resource ? container->resource->params
                                     : _doc.params;
  list.push_back(VoParam{fieldFrom(attributes), attribute(attributes, "value")});
  frame.field = &list.back().field;
}

void Builder::startGroup(Frame& frame, char const** attributes) {
  Frame* container =
      enclosing({Element::Group, Element::Table, Element::Resource, Element::VoTable});
  if (container == nullptr) return;
  VoGroup group;
  group.name = attribute(attributes, "name");
  group.id = attribute(attributes, "ID");
  group.utype = attribute(attributes, "utype");
  group.ucd = attribute(attributes, "ucd");
  group.ref = attribute(attributes, "ref");
  auto& list = container->group      ? container->group->groups
               : container->table    ? container->table->groups
               : container->resource ? container->resource->groups
                                     : _doc.groups;
  list.push_back(std::move(group));
  frame.group = &list.back();
}

void Builder::startInfo(Frame& frame, char const** attributes) {
  Frame* container = enclosing({Element::Table, Element::Resource, Element::VoTable});
  if (container == nullptr) return;
  auto& list = container->table      ? container->table->infos
               : container->resource ? container->resource->infos
                                     : _doc.infos;
  list.push_back(VoInfo{attribute(attributes, "name"), attribute(attributes, "ID"),
                        attribute(attributes, "value"), ""});
  frame.info = &list.back();
  capture();
}

void Builder::startStream(Frame const& frame, char const** attributes) {
  std::string const href = attribute(attributes, "href");
  if (!href.empty())
    fail(frame.line, "a STREAM href='" + href + "' (data in another file) is not supported");
  std::string const encoding = attribute(attributes, "encoding");
  if (!encoding.empty() && encoding != "base64")
    fail(frame.line, "STREAM encoding '" + encoding + "' is not supported (only base64)");
  capture();
}

// A FIELD in a FIELD (or PARAM, INFO, TABLE in one of its kind) is not a VOTable: the inner
// one would be appended to the list that holds the open outer one.
void Builder::refuseSameKindInside(Element element, char const* name, long line) {
  bool const listed = element == Element::Field || element == Element::Param ||
                      element == Element::Info || element == Element::Table;
  if (!listed) return;
  if (Frame const* outer = enclosing({element}); outer != nullptr)
    fail(line, std::string("a <") + name + "> inside the <" + name + "> of line " +
                   std::to_string(outer->line));
}

void Builder::start(char const* name, char const** attributes) {
  Element const element = elementOf(name);
  long const line = static_cast<long>(XML_GetCurrentLineNumber(_parser));
  if (!_rootSeen) {
    _rootSeen = true;
    if (element != Element::VoTable)
      fail(line, std::string("the root element is <") + name + ">, not <VOTABLE>");
  }
  // Nested objects (GROUPs in GROUPs) are built, copied and freed recursively: an absurd
  // depth must stop here, not overflow the stack.
  if (_stack.size() >= kMaxDepth)
    fail(line, std::string("<") + name + "> is nested " + std::to_string(_stack.size() + 1) +
                   " elements deep, more than the " + std::to_string(kMaxDepth) +
                   " levels a VOTable is read with");
  _stack.push_back(Frame{element, line});
  refuseSameKindInside(element, name, line);
  Frame& frame = _stack.back();
  Frame* up = parent();
  switch (element) {
    case Element::VoTable:
      if (up == nullptr) _doc.version = attribute(attributes, "version");
      break;
    case Element::Resource:
      startResource(frame, attributes);
      break;
    case Element::Table:
      startTable(frame, attributes);
      break;
    case Element::Field:
      startField(frame, attributes);
      break;
    case Element::Param:
      startParam(frame, attributes);
      break;
    case Element::Group:
      startGroup(frame, attributes);
      break;
    case Element::Info:
      startInfo(frame, attributes);
      break;
    case Element::FieldRef:
    case Element::ParamRef:
      if (up->group != nullptr)
        (element == Element::FieldRef ? up->group->fieldRefs : up->group->paramRefs)
            .push_back(attribute(attributes, "ref"));
      break;
    case Element::Description:
      capture();
      break;
    case Element::Values:
      frame.field = up->field;
      if (frame.field != nullptr) frame.field->values.null = attribute(attributes, "null");
      break;
    case Element::Min:
    case Element::Max:
      if (up->element == Element::Values && up->field != nullptr)
        (element == Element::Min ? up->field->values.min : up->field->values.max) =
            attribute(attributes, "value");
      break;
    case Element::Option:
      if (Frame* values = enclosing({Element::Values}); values != nullptr && values->field)
        values->field->values.options.emplace_back(attribute(attributes, "name"),
                                                   attribute(attributes, "value"));
      break;
    case Element::Link: {
      VoLink link{attribute(attributes, "content-role"), attribute(attributes, "content-type"),
                  attribute(attributes, "title"), attribute(attributes, "value"),
                  attribute(attributes, "href")};
      if (up->field != nullptr)
        up->field->links.push_back(std::move(link));
      else if (up->table != nullptr)
        up->table->links.push_back(std::move(link));
      else if (up->resource != nullptr)
        up->resource->links.push_back(std::move(link));
      break;
    }
    case Element::Tr:
      _row.clear();
      break;
    case Element::Td:
      capture();
      break;
    case Element::Binary:
    case Element::Binary2:
      _binary2 = element == Element::Binary2;
      break;
    case Element::Stream:
      startStream(frame, attributes);
      break;
    case Element::Fits:
      fail(line,
           "the FITS serialization inside a VOTable is not supported (ask the service for "
           "TABLEDATA or BINARY)");
    case Element::TableData:
      startTableData();
      break;
    case Element::Data:
    case Element::Other:
      break;
  }
}

void Builder::endDescription() {
  std::string text = captured(true);
  Frame* up = parent();
  if (up == nullptr) return;
  if (up->field != nullptr)
    up->field->description = std::move(text);
  else if (up->group != nullptr)
    up->group->description = std::move(text);
  else if (up->table != nullptr)
    up->table->description = std::move(text);
  else if (up->resource != nullptr)
    up->resource->description = std::move(text);
  else if (up->element == Element::VoTable)
    _doc.description = std::move(text);
}

void Builder::startTableData() {
  _columns.clear();
  Frame* table = enclosing({Element::Table});
  if (table == nullptr) return;
  for (auto const& field : table->table->fields) {
    CellKind kind;
    auto const type = detail::voType(field.datatype);
    kind.text = type == detail::VoType::Char || type == detail::VoType::UnicodeChar;
    kind.boolean = type == detail::VoType::Boolean && field.arraysize.empty();
    if (type && detail::isIntegerType(*type) && !field.values.null.empty())
      kind.hasNull = detail::parseVoInteger(field.values.null, kind.null);
    _columns.push_back(kind);
  }
}

void Builder::endCell() {
  std::size_t const column = _row.size();
  CellKind const kind = column < _columns.size() ? _columns[column] : CellKind{};
  // Character cells keep their blanks; numbers and booleans are trimmed; an integer equal
  // to the declared null and a boolean '?' are nulls, as in BINARY.
  std::string cell = captured(!kind.text);
  std::int64_t value = 0;
  if ((kind.hasNull && detail::parseVoInteger(cell, value) && value == kind.null) ||
      (kind.boolean && cell == "?"))
    cell.clear();
  _row.push_back(std::move(cell));
}

void Builder::endRow(Frame const& frame) {
  Frame* table = enclosing({Element::Table});
  if (table == nullptr) return;
  std::size_t const columns = table->table->fields.size();
  if (_row.size() > columns)
    fail(frame.line, "a TR with " + std::to_string(_row.size()) + " TDs in a table of " +
                         std::to_string(columns) + " FIELDs");
  _row.resize(columns);  // missing trailing cells are nulls
  table->table->rows.push_back(std::move(_row));
  _row = {};
}

void Builder::endStream(Frame const& frame) {
  std::string const text = captured(false);
  Frame* table = enclosing({Element::Table});
  if (table == nullptr) return;
  try {
    detail::decodeBinaryStream(detail::decodeBase64(text), table->table->fields, _binary2,
                               table->table->rows);
  } catch (VoTableError const&) {
    throw;
  } catch (Error const& e) {
    fail(frame.line, std::string(_binary2 ? "BINARY2" : "BINARY") + " STREAM of table '" +
                         table->table->name + "': " + e.what());
  }
}

void Builder::end() {
  Frame const frame = _stack.back();
  switch (frame.element) {
    case Element::Info:
      if (frame.info != nullptr) frame.info->content = captured(true);
      break;
    case Element::Description:
      endDescription();
      break;
    case Element::Td:
      endCell();
      break;
    case Element::Tr:
      endRow(frame);
      break;
    case Element::Stream:
      endStream(frame);
      break;
    default:
      break;
  }
  _stack.pop_back();
}

// What the C callbacks get as user data.
struct Session {
  Builder* builder;
  XML_Parser parser;
  std::exception_ptr error;
};

template <typename Action>
void guarded(void* data, Action&& action) {
  auto* session = static_cast<Session*>(data);
  if (session->error) return;
  try {
    action(*session->builder);
  } catch (...) {
    session->error = std::current_exception();
    XML_StopParser(session->parser, XML_FALSE);
  }
}

extern "C" void onStartElement(void* data, XML_Char const* name, XML_Char const** attributes) {
  guarded(data, [&](Builder& builder) { builder.start(name, attributes); });
}

extern "C" void onEndElement(void* data, XML_Char const*) {
  guarded(data, [&](Builder& builder) { builder.end(); });
}

extern "C" void onCharacterData(void* data, XML_Char const* text, int length) {
  guarded(data, [&](Builder& builder) { builder.text(text, length); });
}

bool truncationError(XML_Error code) {
  return code == XML_ERROR_NO_ELEMENTS || code == XML_ERROR_UNCLOSED_TOKEN ||
         code == XML_ERROR_PARTIAL_CHAR || code == XML_ERROR_UNCLOSED_CDATA_SECTION;
}

}  // namespace

namespace {

// One document parsed from pieces as they arrive: from memory, a file read in chunks, or a
// download, so that a large document is never held whole besides what it describes.
class StreamParser {
 public:
  explicit StreamParser(std::string const& source)
      : _source(source),
        _builder(source, _parser.get()),
        _session{&_builder, _parser.get(), nullptr} {
    XML_SetUserData(_parser.get(), &_session);
    XML_SetElementHandler(_parser.get(), onStartElement, onEndElement);
    XML_SetCharacterDataHandler(_parser.get(), onCharacterData);
  }

  /// Parses the next `size` bytes (any size: XML_Parse takes an int, so large pieces go in
  /// slices); `last` marks the end of the document. Throws as parseVoTable().
  void feed(char const* data, std::size_t size, bool last) {
    constexpr std::size_t kSlice = std::size_t{1} << 30;
    std::size_t offset = 0;
    do {
      std::size_t const n = std::min(kSlice, size - offset);
      bool const final = last && offset + n == size;
      XML_Status const status = XML_Parse(_parser.get(), data + offset, static_cast<int>(n), final);
      offset += n;
      if (_session.error) std::rethrow_exception(_session.error);
      if (status != XML_STATUS_OK) fail(final);
    } while (offset < size);
  }

  VoDocument finish() {
    if (!_builder.rootSeen())
      throw VoTableError("votable: " + _source + ":1: no XML element: not a VOTable", 1, false);
    return _builder.take();
  }

 private:
  [[noreturn]] void fail(bool atEnd) {
    XML_Error const code = XML_GetErrorCode(_parser.get());
    long const line = static_cast<long>(XML_GetCurrentLineNumber(_parser.get()));
    long const column = static_cast<long>(XML_GetCurrentColumnNumber(_parser.get()));
    bool const truncated = truncationError(code) && atEnd && _builder.rootSeen();
    std::string what = XML_ErrorString(code);
    if (truncated) what += " (the document ends before </VOTABLE>: a truncated file?)";
    throw VoTableError("votable: " + _source + ":" + std::to_string(line) + ":" +
                           std::to_string(column + 1) + ": malformed XML: " + what,
                       line, truncated);
  }

  std::string _source;
  ExpatParser _parser;
  Builder _builder;
  Session _session;
};

}  // namespace

VoDocument parseVoTable(std::string const& xml, std::string const& source) {
  StreamParser parser(source);
  parser.feed(xml.data(), xml.size(), true);
  return parser.finish();
}

VoDocument readVoTableFile(std::string const& path, std::string const& source) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("votable: " + path + ": cannot open the file for reading");
  StreamParser parser(source.empty() ? path : source);
  // expat scans a token cut by a piece's end again with the next piece: pieces grow with what
  // was read (an eighth of it, 1 to 16 MiB) so that a huge token costs a few passes, not one
  // per MiB.
  constexpr std::size_t kMinPiece = std::size_t{1} << 20, kMaxPiece = std::size_t{16} << 20;
  std::vector<char> piece;
  std::size_t consumed = 0;
  bool last = false;
  while (!last) {
    piece.resize(std::clamp(consumed / 8, kMinPiece, kMaxPiece));
    in.read(piece.data(), static_cast<std::streamsize>(piece.size()));
    if (in.bad()) throw Error("votable: " + path + ": read error");
    last = in.eof();
    auto const n = static_cast<std::size_t>(in.gcount());
    parser.feed(piece.data(), n, last);
    consumed += n;
  }
  return parser.finish();
}

}  // namespace vocloud::io
