#include "config/redact.hpp"

#include <regex>

namespace vocloud::config {

std::string redactSecrets(std::string const& text) {
  // Cheap test first: most texts hold no URL.
  if (text.find("://") == std::string::npos && text.find('=') == std::string::npos) return text;
  // scheme://user:password@ -> scheme://user:***@ (the user name helps to debug, the
  // password never); the password runs to the last '@' before the path.
  static std::regex const userinfo(R"(([A-Za-z][A-Za-z0-9+.-]*://[^:/@\s"']*):[^/\s"']*@)");
  static std::regex const parameter(
      R"(((?:^|[?&;\s\[,'"])(?:password|passwd|pwd|token|access_token|api_key|apikey|secret|signature)=)[^&#\s"',\]]*)",
      std::regex::icase);
  std::string const step = std::regex_replace(text, userinfo, std::string("$1:") + kRedacted + "@");
  return std::regex_replace(step, parameter, std::string("$1") + kRedacted);
}

}  // namespace vocloud::config
