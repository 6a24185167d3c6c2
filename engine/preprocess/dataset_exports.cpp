#include "preprocess/dataset_exports.hpp"

#include "core/csv.hpp"
#include "io/votable.hpp"

#include <cstdio>
#include <sstream>

namespace vocloud::preprocess {

using spectral::Frame;

namespace {

std::string number(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", x);
  return buffer;
}

// The columns of dataset.csv before the flux values, and of dataset.vot before the flux
// array: the names of dataset.h5's /meta datasets.
constexpr char kMetaColumns[] = "id,label,ra,dec,z,snr,layout,path";

io::VoField field(std::string name, std::string type, std::string arraysize, std::string ucd,
                  std::string unit = "") {
  io::VoField f;
  f.name = std::move(name);
  f.datatype = std::move(type);
  f.arraysize = std::move(arraysize);
  f.ucd = std::move(ucd);
  f.unit = std::move(unit);
  return f;
}

// The table without its grid: what the rows of a round are formatted with.
io::VoTableHeader voHeader(std::size_t dims) {
  io::VoTableHeader h;
  h.resourceName = "vocloud";
  h.resourceDescription = "Spectra preprocessed by vocloud onto one wavelength grid";
  h.tableName = "dataset";
  h.fields = {field("id", "char", "*", "meta.id;meta.main"),
              field("label", "char", "*", "meta.code.class"),
              field("ra", "double", "", "pos.eq.ra;meta.main", "deg"),
              field("dec", "double", "", "pos.eq.dec;meta.main", "deg"),
              field("z", "double", "", "src.redshift"),
              field("snr", "double", "", "stat.snr"),
              field("layout", "char", "*", "meta.code"),
              field("path", "char", "*", "meta.ref.url"),
              field("flux", "float", std::to_string(dims), "phot.flux.density")};
  h.fields.back().description = "flux on the grid given by the PARAM wave";
  return h;
}

// The whole header: the table and its wavelength grid.
io::VoTableHeader voHeader(std::vector<double> const& wave, PreprocessConfig const& config) {
  std::size_t const dims = wave.size();
  io::VoTableHeader h = voHeader(dims);
  // The wavelength grid of every flux array (a flux array without it is a list of numbers).
  io::VoParam grid;
  grid.field = field("wave", "double", std::to_string(dims), "em.wl", "Angstrom");
  std::string const frame = config.frame == Frame::Vacuum ? "vacuum"
                            : config.frame == Frame::Air  ? "air"
                                                          : "each file's own (air or vacuum)";
  grid.field.description = "wavelength of each flux value, " + frame +
                           (config.restFrame ? ", rest frame" : ", observed frame");
  for (std::size_t d = 0; d < dims; ++d) grid.value += (d ? " " : "") + io::voCell(wave[d]);
  h.params.push_back(std::move(grid));
  return h;
}

}  // namespace

ExportWriters::ExportWriters(PreprocessConfig const& config, spectral::Grid const& grid,
                             std::string const& outputDir, comm::Comm const& comm,
                             std::uint64_t csvKeep, std::uint64_t votKeep)
    : _comm(comm) {
  if (config.exportCsv) {
    _csv = std::make_unique<comm::OrderedFileWriter>(comm, outputDir + "/dataset.csv", csvKeep);
    if (csvKeep == 0) {
      std::string header = kMetaColumns;
      for (double w : grid.wave) header += ",w" + number(w);
      _csv->append(comm.isRoot() ? header + "\n" : std::string());
    }
  }
  if (config.exportVoTable) {
    // The header and footer are what VoTableWriter writes around the rows.
    std::ostringstream text;
    std::size_t headerLength = 0;
    {
      io::VoTableWriter writer(text, voHeader(grid.wave, config));
      headerLength = text.str().size();
      writer.finish();
    }
    _votFooter = text.str().substr(headerLength);
    _vot = std::make_unique<comm::OrderedFileWriter>(comm, outputDir + "/dataset.vot", votKeep);
    if (votKeep == 0)
      _vot->append(comm.isRoot() ? text.str().substr(0, headerLength) : std::string());
  }
}

ExportWriters::~ExportWriters() = default;

void ExportWriters::append(AcceptedRows const& rows, std::uint64_t dims) {
  if (_csv) {
    std::string chunk;
    for (std::uint64_t i = 0; i < rows.count(); ++i) {
      chunk += core::csvField(rows.id[i]) + "," + core::csvField(rows.label[i]) + "," +
               number(rows.ra[i]) + "," + number(rows.dec[i]) + "," + number(rows.z[i]) + "," +
               number(rows.snr[i]) + "," + rows.layout[i] + "," + core::csvField(rows.path[i]);
      for (std::uint64_t d = 0; d < dims; ++d) chunk += "," + number(rows.flux[i * dims + d]);
      chunk += "\n";
    }
    _csv->append(chunk);
  }
  if (_vot) {
    std::ostringstream text;
    std::size_t headerLength = 0;
    {
      io::VoTableWriter writer(text, voHeader(dims));
      headerLength = text.str().size();
      for (std::uint64_t i = 0; i < rows.count(); ++i) {
        std::string values;
        for (std::uint64_t d = 0; d < dims; ++d)
          values += (d ? " " : "") + io::voCell(rows.flux[i * dims + d]);
        writer.writeRow({rows.id[i], rows.label[i], io::voCell(rows.ra[i]), io::voCell(rows.dec[i]),
                         io::voCell(rows.z[i]), io::voCell(rows.snr[i]), rows.layout[i],
                         rows.path[i], values});
      }
      std::string const all = text.str();
      _vot->append(all.substr(headerLength));
      writer.finish();
    }
  }
}

void ExportWriters::finish() {
  if (_csv) _csv->close();
  if (_vot) {
    _vot->append(_comm.isRoot() ? _votFooter : std::string());
    _vot->close();
  }
}

std::uint64_t ExportWriters::csvBytes() const {
  return _csv ? _csv->size() : 0;
}
std::uint64_t ExportWriters::votBytes() const {
  return _vot ? _vot->size() : 0;
}

}  // namespace vocloud::preprocess
