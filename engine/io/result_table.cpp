#include "io/result_table.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/files.hpp"

#include <algorithm>
#include <utility>

namespace vocloud::io {

namespace {

char const* voDatatype(ResultColumn::Type type) {
  switch (type) {
    case ResultColumn::Type::Int64:
      return "long";
    case ResultColumn::Type::Float32:
      return "float";
    case ResultColumn::Type::Float64:
      return "double";
    case ResultColumn::Type::Text:
      return "char";
  }
  return "char";
}

ResultColumn column(std::string name, ResultColumn::Type type, std::string ucd,
                    std::string description) {
  ResultColumn c;
  c.name = std::move(name);
  c.type = type;
  c.ucd = std::move(ucd);
  c.description = std::move(description);
  return c;
}

// Writes rank 0's values of a numeric column; every rank knows the row count.
template <class T>
void writeNumbers(H5File const& file, std::string const& name, std::vector<T> const& values,
                  std::uint64_t rows) {
  H5Rows const set =
      H5Rows::create(file, name, h5TypeOf<T>(), 0, std::clamp<std::uint64_t>(rows, 1, 65536));
  set.resize(rows);
  set.write(0, file.rank() == 0 ? rows : 0, values.data());
}

}  // namespace

std::size_t ResultColumn::size() const {
  switch (type) {
    case Type::Int64:
      return ints.size();
    case Type::Float32:
      return floats.size();
    case Type::Float64:
      return doubles.size();
    case Type::Text:
      return texts.size();
  }
  return 0;
}

std::string ResultColumn::cell(std::size_t row) const {
  switch (type) {
    case Type::Int64:
      return voCell(ints.at(row));
    case Type::Float32:
      return voCell(floats.at(row));
    case Type::Float64:
      return voCell(doubles.at(row));
    case Type::Text:
      return texts.at(row);
  }
  return {};
}

ResultColumn intColumn(std::string name, std::vector<std::int64_t> values, std::string ucd,
                       std::string description) {
  ResultColumn c =
      column(std::move(name), ResultColumn::Type::Int64, std::move(ucd), std::move(description));
  c.ints = std::move(values);
  return c;
}

ResultColumn floatColumn(std::string name, std::vector<float> values, std::string ucd,
                         std::string description) {
  ResultColumn c =
      column(std::move(name), ResultColumn::Type::Float32, std::move(ucd), std::move(description));
  c.floats = std::move(values);
  return c;
}

ResultColumn doubleColumn(std::string name, std::vector<double> values, std::string ucd,
                          std::string unit, std::string description) {
  ResultColumn c =
      column(std::move(name), ResultColumn::Type::Float64, std::move(ucd), std::move(description));
  c.unit = std::move(unit);
  c.doubles = std::move(values);
  return c;
}

ResultColumn textColumn(std::string name, std::vector<std::string> values, std::string ucd,
                        std::string description) {
  ResultColumn c =
      column(std::move(name), ResultColumn::Type::Text, std::move(ucd), std::move(description));
  c.texts = std::move(values);
  return c;
}

std::size_t ResultTable::rows() const {
  if (columns.empty()) return 0;
  std::size_t const n = columns.front().size();
  for (auto const& c : columns)
    if (c.size() != n)
      throw Error("table " + name + ": column " + c.name + " has " + std::to_string(c.size()) +
                  " values, column " + columns.front().name + " has " + std::to_string(n));
  return n;
}

std::vector<ResultColumn> spectrumColumns(RowMeta const& meta) {
  return {textColumn("id", meta.id, "meta.id;meta.main", "spectrum identifier"),
          textColumn("label", meta.label, "meta.code.class", "label in the data set"),
          doubleColumn("ra", meta.ra, "pos.eq.ra;meta.main", "deg", "right ascension (ICRS)"),
          doubleColumn("dec", meta.dec, "pos.eq.dec;meta.main", "deg", "declination (ICRS)"),
          textColumn("path", meta.path, "meta.ref.url",
                     "the spectrum's file in the base of knowledge")};
}

void writeResultCsv(std::string const& path, ResultTable const& table) {
  std::size_t const rows = table.rows();
  std::string text;
  for (std::size_t c = 0; c < table.columns.size(); ++c)
    text += (c ? "," : "") + core::csvField(table.columns[c].name);
  text += "\n";
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < table.columns.size(); ++c)
      text += (c ? "," : "") + core::csvField(table.columns[c].cell(r));
    text += "\n";
  }
  core::writeFileAtomic(path, text);
}

void writeResultVoTable(std::string const& path, ResultTable const& table,
                        std::string const& resourceName) {
  std::size_t const rows = table.rows();
  VoTableHeader header;
  header.resourceName = resourceName;
  header.tableName = table.name;
  header.tableDescription = table.description;
  header.params = table.params;
  for (auto const& c : table.columns) {
    VoField f;
    f.name = c.name;
    f.datatype = voDatatype(c.type);
    if (c.type == ResultColumn::Type::Text) f.arraysize = "*";
    f.ucd = c.ucd;
    f.unit = c.unit;
    f.description = c.description;
    header.fields.push_back(std::move(f));
  }
  VoTableWriter writer(path, std::move(header));
  std::vector<std::string> cells(table.columns.size());
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < table.columns.size(); ++c) cells[c] = table.columns[c].cell(r);
    writer.writeRow(cells);
  }
  writer.finish();
}

void writeResultH5(H5File const& file, std::string const& group, ResultTable const& table,
                   comm::Comm const& comm) {
  std::uint64_t rows = file.rank() == 0 ? table.rows() : 0;
  if (file.parallel()) comm.bcast(&rows, 1, 0);
  bool const root = group.empty() || group == "/";
  if (!root) file.createGroup(group);
  for (auto const& c : table.columns) {
    std::string const name = (root ? "" : group) + "/" + c.name;
    switch (c.type) {
      case ResultColumn::Type::Int64:
        writeNumbers(file, name, c.ints, rows);
        break;
      case ResultColumn::Type::Float32:
        writeNumbers(file, name, c.floats, rows);
        break;
      case ResultColumn::Type::Float64:
        writeNumbers(file, name, c.doubles, rows);
        break;
      case ResultColumn::Type::Text:
        writeWholeStrings(file, name, c.texts, comm);
        break;
    }
    if (!c.unit.empty()) file.setAttribute(name, "unit", c.unit);
    if (!c.ucd.empty()) file.setAttribute(name, "ucd", c.ucd);
  }
}

}  // namespace vocloud::io
