// run_diagnose to the end on a runtime of its own, for the fake-server tests.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "probe/commands/diagnose/diagnose.hpp"
#include "probe/runtime/runtime.hpp"

namespace smtp_probe {

inline diagnose_outcome diagnose_blocking(const probe_request& base,
                                          std::vector<std::uint16_t> extra_ports,
                                          std::optional<std::uint64_t> planned_size,
                                          std::shared_ptr<spdlog::logger> log,
                                          std::optional<std::string> send_to = std::nullopt) {
    runtime rt(std::move(log));
    return rt.block_on(
        run_diagnose(rt, base.clone(), std::move(extra_ports), planned_size, std::move(send_to)));
}

}  // namespace smtp_probe
