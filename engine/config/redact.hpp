#pragma once
// Secrets out of everything vocloud prints or writes: passwords in URLs
// ("https://user:PASSWORD@host/...") and the values of credential-like query parameters
// ("...?token=VALUE"). Used for logs, error messages, catalogs and config.effective.yaml.
#include <string>

namespace vocloud::config {

/// The text shown in place of a secret.
inline constexpr char kRedacted[] = "***";

/// `text` with every URL password ("scheme://user:SECRET@") and every value of a
/// parameter named password, passwd, pwd, token, access_token, api_key, apikey, secret or
/// signature (any case; "NAME=VALUE" after '?', '&', ';', a blank, '[', ',' or a quote, as
/// in URLs and in the KEY=VALUE lists of the config) replaced by kRedacted. Text without
/// secrets is returned unchanged.
std::string redactSecrets(std::string const& text);

}  // namespace vocloud::config
