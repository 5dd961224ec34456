// The reports of `run`: one JSON object per target (jsonl as each finishes, or all in one
// document), the summary by category and cause, and the table for a terminal.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "checks/evidence.hpp"
#include "checks/monitoring_state.hpp"
#include "probe/config/run_config.hpp"
#include "probe/report/report_text.hpp"
#include "probe/runtime/many_probes.hpp"

namespace smtp_probe {

/// One target of a run and what its probe came to.
struct run_entry {
    const run_target* target = nullptr;
    probe_request request;
    monitoring_thresholds thresholds;  ///< its module's
    probe_outcome outcome;
    /// The verdict's state raised by the thresholds; a target that could not run is a failure
    /// (the run itself did start).
    monitoring_verdict state;
    bool finished = false;
};

/// Keeps the outcome in the entry and judges its monitoring state.
void finish(run_entry& entry, probe_outcome&& outcome);

/// The worst of the finished entries' statuses (ok when there are none).
[[nodiscard]] exit_status worst_status(const std::vector<run_entry>& entries);

/// The probe's JSON (docs/json-schema.md) with "name", "module" and "labels" first; for a
/// target that could not run, "ok": false and "error".
[[nodiscard]] boost::json::object target_json(const run_entry& entry, bool include_transcript);

/// The finished entries counted by monitoring state; categories and causes of the verdicts that
/// failed (a threshold raises the state, never the category).
struct run_counts {
    std::size_t total = 0;
    std::size_t ok = 0;
    std::size_t warnings = 0;
    std::size_t failed = 0;   ///< ran, and critical
    std::size_t not_run = 0;  ///< could not run (critical too)
    std::size_t raised_by_threshold = 0;
    std::map<std::string, std::size_t> by_category;
    std::map<std::string, std::size_t> by_cause;
};
[[nodiscard]] run_counts count_run(const std::vector<run_entry>& entries);

/// Counts of the finished entries: targets, ok, warnings, failed, not_run, by_category and
/// by_cause (failures only), the exit code and the run's duration.
[[nodiscard]] boost::json::object run_summary_json(const std::vector<run_entry>& entries,
                                                   std::chrono::milliseconds elapsed);

/// The table of every target in config order, the details of each failing one, the summary.
[[nodiscard]] std::string render_run_text(const std::vector<run_entry>& entries,
                                          const text_options& options);

/// The run as one Nagios/Icinga check: the worst state, how many targets fail and the first of
/// them by name, performance data counting the targets by state, then a line for each target
/// that is not OK (at most `max_lines`, then how many more).
[[nodiscard]] std::string render_run_nagios(const std::vector<run_entry>& entries, language lang,
                                            std::chrono::milliseconds elapsed,
                                            std::size_t max_lines = 100);

/// "12/50 done, 3 failing" for the progress line.
[[nodiscard]] std::string progress_text(std::size_t done, std::size_t total, std::size_t failing,
                                        language lang);

}  // namespace smtp_probe
