#include "uws/http_util.hpp"

#include <httplib.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

namespace vocloud::uws::detail {

namespace {

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

std::optional<std::string> base64Decode(std::string const& text) {
  if (text.empty() || text.size() % 4 != 0 || text.size() > 4096) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  int const n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<unsigned char const*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts the padding as data.
  if (text[text.size() - 1] == '=') --size;
  if (text[text.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

}  // namespace

std::map<std::string, std::string> formParams(httplib::Request const& request) {
  std::map<std::string, std::string> out;
  for (auto const& [name, value] : request.params) out.emplace(upper(name), value);
  for (auto const& [name, file] : request.files) out.emplace(upper(name), file.content);
  return out;
}

std::optional<std::pair<std::string, std::string>> basicCredentials(
    httplib::Request const& request) {
  std::string const header = request.get_header_value("Authorization");
  std::string const scheme = "Basic ";
  if (header.size() <= scheme.size() || upper(header.substr(0, scheme.size())) != upper(scheme))
    return std::nullopt;
  auto const decoded = base64Decode(header.substr(scheme.size()));
  if (!decoded) return std::nullopt;
  auto const colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::make_pair(decoded->substr(0, colon), decoded->substr(colon + 1));
}

bool isValidUtf8(std::string const& text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto const c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    if (c >= 0x80) {
      if ((c >> 5) == 6)
        extra = 1;
      else if ((c >> 4) == 14)
        extra = 2;
      else if ((c >> 3) == 30)
        extra = 3;
      else
        return false;
    }
    if (extra > text.size() - i - 1) return false;
    for (std::size_t k = 1; k <= extra; ++k)
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 2) return false;
    i += extra + 1;
  }
  return true;
}

void replyText(httplib::Response& response, int status, std::string body) {
  if (body.empty() || body.back() != '\n') body += '\n';
  response.status = status;
  response.set_content(body, "text/plain; charset=utf-8");
}

void replyXml(httplib::Response& response, std::string const& xml) {
  response.status = 200;
  response.set_content(xml, "text/xml; charset=utf-8");
}

void redirect(httplib::Response& response, std::string const& url) {
  response.set_redirect(url, 303);
}

}  // namespace vocloud::uws::detail
