#pragma once
// Small pieces of HTTP handling shared by the routes: form parameters (UWS names are
// case-insensitive), Basic credentials, plain-text and XML replies.
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace vocloud::uws::detail {

/// Query, urlencoded-form and multipart parameters of a request, names upper-cased (UWS
/// parameter names are case-insensitive); an uploaded file's content is its value. When a
/// name repeats, the first value wins.
std::map<std::string, std::string> formParams(httplib::Request const& request);

/// The user name and password of an `Authorization: Basic ...` header, or nullopt.
std::optional<std::pair<std::string, std::string>> basicCredentials(
    httplib::Request const& request);

/// True when `text` is well-formed UTF-8.
bool isValidUtf8(std::string const& text);

/// Replies with `status` and text/plain `body` (a newline is added when missing).
void replyText(httplib::Response& response, int status, std::string body);
/// Replies 200 with an XML document.
void replyXml(httplib::Response& response, std::string const& xml);
/// 303 See Other to `url` (UWS's answer to every successful POST).
void redirect(httplib::Response& response, std::string const& url);

}  // namespace vocloud::uws::detail
