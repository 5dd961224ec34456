// The incremental reply framer (net/reply_parser.hpp) fed a byte stream twice: in one chunk and in
// the chunks the input names. Both runs must see the same replies and fail the same way, every
// reply must respect the limits, and the parser must never hold more than a bounded number of
// bytes.
//
// Input: a mode byte, then optional limits, then chunk sizes, then the stream.
//   mode & 0x07  number of chunk-size bytes k (0: feed the stream one byte at a time)
//   mode & 0x08  three limit bytes follow: max_line = b0, max_lines = 1 + b1 % 16,
//                max_reply_bytes = 4 * b2 (small limits reach every violation quickly)
//   k bytes      chunk sizes 1 + b, used in turn
// A seed of "0" followed by a transcript feeds the transcript byte by byte with the default
// limits.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/reply_parser.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace smtp_probe;

struct run_outcome {
    std::vector<smtp_reply> replies;
    std::optional<parse_result> error;
};

bool same_reply(const smtp_reply& a, const smtp_reply& b) {
    return a.code == b.code && a.enhanced == b.enhanced && a.lines == b.lines;
}

/// What every reply the parser hands out must satisfy, whatever the input.
void check_reply(const smtp_reply& r, const reply_limits& limits) {
    SP_FUZZ_CHECK(r.code >= 200 && r.code <= 559 && r.code / 10 % 10 <= 5);
    SP_FUZZ_CHECK(!r.lines.empty() && r.lines.size() <= limits.max_lines);
    std::size_t wire_bytes = 0;  // a lower bound of the bytes the reply took on the wire
    for (const auto& text : r.lines) {
        SP_FUZZ_CHECK(text.find('\n') == std::string::npos);
        SP_FUZZ_CHECK(text.find('\0') == std::string::npos);
        const std::size_t line = text.empty() ? 3 : text.size() + 4;  // "NNN" or "NNN-text"
        SP_FUZZ_CHECK(line <= std::max<std::size_t>(limits.max_line, 3));
        wire_bytes += line + 1;  // at least the LF
    }
    SP_FUZZ_CHECK(wire_bytes <= limits.max_reply_bytes);
    SP_FUZZ_CHECK(r.enhanced == parse_enhanced_status(r.lines.front()));
}

/// The reply as a server would send it, parsed back with parse_reply(): the same value.
void check_round_trip(const smtp_reply& r) {
    std::string wire;
    const std::string code = std::to_string(r.code);
    for (std::size_t i = 0; i < r.lines.size(); ++i) {
        wire += code;
        wire += i + 1 < r.lines.size() ? '-' : ' ';
        wire += r.lines[i];
        wire += "\r\n";
    }
    const reply_limits defaults;
    if (wire.size() > defaults.max_reply_bytes) {
        return;  // CRLF may make it longer than what the server sent with bare LFs
    }
    const auto again = parse_reply(wire);
    SP_FUZZ_CHECK(again.has_value());
    SP_FUZZ_CHECK(same_reply(*again, r));
}

/// Feeds `stream` in pieces of the sizes in `chunks` (cycled), calling next() until need_more or
/// an error after each feed, as the pipeline does.
run_outcome run(std::string_view stream, const reply_limits& limits,
                const std::vector<std::size_t>& chunks) {
    reply_parser parser(limits);
    run_outcome out;
    std::size_t fed = 0;
    std::size_t consumed = 0;  // bytes taken by returned replies: never shrinks
    std::size_t chunk = 0;
    for (;;) {
        for (;;) {
            auto r = parser.next();
            SP_FUZZ_CHECK(parser.buffered() <= fed);
            SP_FUZZ_CHECK(fed - parser.buffered() >= consumed);
            consumed = fed - parser.buffered();
            if (r.state == parse_result::status::reply) {
                check_reply(r.reply, limits);
                out.replies.push_back(std::move(r.reply));
                continue;
            }
            if (r.state == parse_result::status::error) {
                SP_FUZZ_CHECK(r.violation != reply_violation::none);
                SP_FUZZ_CHECK(r.offending.size() <= 200);
                // Sticky: more bytes change nothing.
                parser.feed("250 ok\r\n");
                const auto again = parser.next();
                SP_FUZZ_CHECK(again.state == parse_result::status::error);
                SP_FUZZ_CHECK(again.violation == r.violation && again.offending == r.offending);
                out.error = std::move(r);
                return out;
            }
            // need_more: what is held back is one partial reply, within the limits.
            SP_FUZZ_CHECK(parser.buffered() <= limits.max_reply_bytes);
            break;
        }
        if (fed == stream.size()) {
            return out;
        }
        const std::size_t size = chunks.empty() ? 1 : chunks[chunk++ % chunks.size()];
        const auto piece = stream.substr(fed, size);
        parser.feed(piece);
        fed += piece.size();
    }
}

/// The violations found before a line's LF arrives: which one a run reports first depends on
/// where the chunks end, so a stream split otherwise may name another violation of the same line.
bool early_violation(reply_violation v) {
    return v == reply_violation::line_too_long || v == reply_violation::reply_too_large;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto input = smtp_probe::fuzz::as_text(data, size);
    if (input.empty()) {
        return 0;
    }
    const auto mode = static_cast<unsigned char>(input.front());
    input.remove_prefix(1);

    reply_limits limits;
    if ((mode & 0x08) != 0) {
        if (input.size() < 3) {
            return 0;
        }
        const auto b = [&](std::size_t i) { return static_cast<unsigned char>(input[i]); };
        limits.max_line = b(0);
        limits.max_lines = 1 + b(1) % 16;
        limits.max_reply_bytes = 4 * std::size_t{b(2)};
        input.remove_prefix(3);
    }
    std::vector<std::size_t> chunks;
    for (std::size_t k = mode & 0x07; k > 0 && !input.empty(); --k) {
        chunks.push_back(1 + static_cast<unsigned char>(input.front()));
        input.remove_prefix(1);
    }

    const auto whole = run(input, limits, {std::max<std::size_t>(input.size(), 1)});
    const auto pieces = run(input, limits, chunks);

    SP_FUZZ_CHECK(whole.replies.size() == pieces.replies.size());
    for (std::size_t i = 0; i < whole.replies.size(); ++i) {
        SP_FUZZ_CHECK(same_reply(whole.replies[i], pieces.replies[i]));
        check_round_trip(whole.replies[i]);
    }
    SP_FUZZ_CHECK(whole.error.has_value() == pieces.error.has_value());
    if (whole.error && !early_violation(whole.error->violation) &&
        !early_violation(pieces.error->violation)) {
        SP_FUZZ_CHECK(whole.error->violation == pieces.error->violation);
        SP_FUZZ_CHECK(whole.error->offending == pieces.error->offending);
    }
    return 0;
}
