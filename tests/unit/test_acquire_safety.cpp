// What acquire stores and prints, by hand: stored names are unique by construction (the
// collision cases of issue 13), URL schemes other than http(s) are refused, and secrets
// never survive redaction.
#include "acquire/http_client.hpp"
#include "acquire/plan.hpp"
#include "config/redact.hpp"

#include <boost/test/unit_test.hpp>

#include <set>
#include <string>

using namespace vocloud;
using namespace vocloud::acquire;

BOOST_AUTO_TEST_CASE(escaped_segments_are_injective_and_safe) {
  BOOST_TEST(detail::escapedSegment("x-2.fits") == "x-2.fits");
  BOOST_TEST(detail::escapedSegment("x y.fits") == "x%20y.fits");
  BOOST_TEST(detail::escapedSegment("x_y.fits") == "x_y.fits");  // not the same as "x y.fits"
  BOOST_TEST(detail::escapedSegment("100%.fits") == "100%25.fits");
  BOOST_TEST(detail::escapedSegment("..") == "%2E.");
  BOOST_TEST(detail::escapedSegment(".hidden") == "%2Ehidden");
}

BOOST_AUTO_TEST_CASE(remote_names_of_colliding_ids_differ) {
  // ivo://a/x, ivo://b/x and ivo://c/x-2 gave x, x-2 and x-2 before.
  std::set<std::string> names;
  for (auto const& id : {"ivo://a/x", "ivo://b/x", "ivo://c/x-2"})
    names.insert(detail::remoteName(id, "http://h/get?id=1", ".fits", 1));
  BOOST_TEST(names.size() == 3u);
  // The same id and URL twice in one source: two names.
  BOOST_TEST(detail::remoteName("x", "http://h/x", ".fits", 1) !=
             detail::remoteName("x", "http://h/x", ".fits", 2));
  std::string const name = detail::remoteName("ivo://a/x", "http://h/x.fits", ".fits", 1);
  BOOST_TEST(name.rfind("x-", 0) == 0);
  BOOST_TEST(name.size() == std::string("x-").size() + 16 + std::string(".fits").size());
}

BOOST_AUTO_TEST_CASE(only_http_and_https_are_fetchable) {
  BOOST_TEST(isFetchableUrl("http://h/x"));
  BOOST_TEST(isFetchableUrl("HTTPS://h/x"));
  for (auto const& url : {"file:///etc/passwd", "gopher://127.0.0.1:70/_x", "dict://h/d:x",
                          "ftp://h/x", "/etc/passwd", "httpx://h"})
    BOOST_TEST(!isFetchableUrl(url), url);
}

BOOST_AUTO_TEST_CASE(secrets_are_redacted) {
  using config::redactSecrets;
  BOOST_TEST(redactSecrets("GET https://user:pa:ss@w0rd@host:8080/ssap?POS=1,2") ==
             "GET https://user:***@host:8080/ssap?POS=1,2");
  BOOST_TEST(redactSecrets("http://h/q?REQUEST=queryData&TOKEN=abc123&MAXREC=5") ==
             "http://h/q?REQUEST=queryData&TOKEN=***&MAXREC=5");
  BOOST_TEST(redactSecrets("params: [token=abc, FORMAT=fits]") ==
             "params: [token=***, FORMAT=fits]");
  // Nothing secret: unchanged.
  for (auto const& text : {"http://host:8080/a@b", "http://h/x?id=ivo://a/b", "label_map: [a=b]"})
    BOOST_TEST(redactSecrets(text) == text);
}
