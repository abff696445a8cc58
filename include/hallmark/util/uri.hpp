// RFC 3986 URIs for what hallmark records as a location: a local path (file:// with each byte
// outside the unreserved set and '/' percent-encoded) and a git remote, which git lets users
// write scp-style ("git@github.com:Org/Repo.git") although that is no URI.
#pragma once

#include <string>
#include <string_view>

namespace hallmark {

// "file:///abs/path" with the path percent-encoded (callers pass absolute paths).
std::string file_uri(std::string_view absolute_path);

// A remote as an RFC 3986 URI: scp-style "user@host:path" becomes "ssh://user@host/path", an
// absolute local path a file:// URI, a relative one too when `base_dir` (the repository's top
// directory) is given; URIs keep their form, with characters RFC 3986 does not allow (spaces,
// non-ASCII) percent-encoded.
std::string remote_uri(std::string_view remote, std::string_view base_dir = {});

// The browsable https:// URL of a remote ("git@github.com:Org/Repo.git" and
// "ssh://git@host/Org/Repo.git" become "https://host/Org/Repo"); empty when the remote is a
// local path or another scheme hallmark cannot map.
std::string https_repository_url(std::string_view remote);

}  // namespace hallmark
