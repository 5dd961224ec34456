// The machine report (docs/json-schema.md). Field names and id spellings are a public interface.
// Every server-provided string is sanitised: valid UTF-8 without control characters.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "checks/evidence.hpp"
#include "probe/report/run_identity.hpp"

namespace smtp_probe {

/// {"user", "uid", "switched", "redirect_exempt", "redirect_tools"}: who the connections were made
/// as; root is exempt from cPanel's SMTP Restrictions and CSF's SMTP_REDIRECT, which are
/// installed when redirect_tools is true.
[[nodiscard]] boost::json::object run_as_json(const run_identity& id);
[[nodiscard]] boost::json::object to_json(const probe_result& result, bool include_transcript);
[[nodiscard]] std::string render_json(const probe_result& result, bool include_transcript);

/// Compact JSON like boost::json::serialize, but numbers in plain decimal ("12.6", not the
/// "1.26E1" Boost.JSON writes for doubles). Use it for summary_json() too.
[[nodiscard]] std::string serialize_json(const boost::json::value& v);

/// For --all-addresses: one result per address under "results"; the top level is ok only when
/// every result is ok, and carries the category and cause of the first failure.
[[nodiscard]] boost::json::object summary_json(const std::vector<probe_result>& results,
                                               bool include_transcript = false);

}  // namespace smtp_probe
