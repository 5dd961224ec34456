// Whether text is a mailbox as RFC 5321 section 4.1.2 writes one in MAIL FROM and RCPT TO, with
// RFC 6531's UTF-8 allowed in both halves.
#pragma once

#include <string_view>

namespace smtp_probe {

/// Local-part "@" (Domain / address-literal):
///  - the local part is a Dot-string (atoms of letters, digits, !#$%&'*+-/=?^_`{|}~ or UTF-8,
///    joined by single dots) or a Quoted-string ("john doe", with \-pairs), at most 64 octets
///    (section 4.5.3.1.1);
///  - the domain is dot-separated labels of letters, digits, '-' (not at either end) or UTF-8,
///    or an address literal [192.0.2.1] / [IPv6:2001:db8::1];
///  - the whole at most 254 octets, so that "<" path ">" fits in 256 (section 4.5.3.1.3).
/// Nothing here can start a shell expansion or break out of an SMTP command: no space outside
/// quotes, no control character, no '(' or ')' outside quotes, and no '<' or '>' anywhere (not
/// even quoted: MAIL FROM:<path> must end at the one '>').
[[nodiscard]] bool is_mailbox(std::string_view address);

}  // namespace smtp_probe
