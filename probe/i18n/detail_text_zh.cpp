#include "probe/i18n/detail_text.hpp"

namespace smtp_probe {
namespace {

std::string_view template_zh(detail_text id) {
    using t = detail_text;
    switch (id) {
        case t::verbatim:
            return "{0}";
        case t::subject_colon:
            return "{0}：";
        case t::more_items:
            return "（另有 {0} 个）";
        case t::size_planned:
            return "计划 {0} 字节，编码后约 {1} 字节，超过 SIZE {2}";
        case t::err_connection_refused:
            return "连接被拒绝";
        case t::err_timed_out:
            return "连接超时";
        case t::err_network_unreachable:
            return "网络不可达";
        case t::err_host_unreachable:
            return "没有到达该主机的路由";
        case t::err_connection_reset:
            return "连接被对方重置";
        case t::err_connection_aborted:
            return "连接被中止";
        case t::err_operation_aborted:
            return "操作已取消";
        case t::err_permission_denied:
            return "操作被拒绝（权限不足或本机策略禁止）";
        case t::err_broken_pipe:
            return "连接已断开（写入时对方已关闭）";
        case t::err_end_of_file:
            return "服务器关闭了连接";
        case t::err_reply_timeout:
            return "等待回复超时";
        case t::err_connection_lost:
            return "连接中途断开";
        case t::err_deadline_exceeded:
            return "整个检测的时限已用完";
        case t::err_dns_not_found:
            return "域名不存在";
        case t::err_dns_no_data:
            return "该域名没有地址记录";
        case t::dns_no_answer_within:
            return "{0} 毫秒内没有应答（--dns-timeout）";
        case t::dns_cut_by_deadline:
            return "--deadline 只给查询留下 {0} 毫秒，已经用完";
        case t::err_dns_timeout:
            return "DNS 查询超时";
        case t::err_dns_server_failure:
            return "DNS 服务器无法应答";
        case t::err_dns_refused:
            return "DNS 服务器拒绝了查询";
        case t::err_tls_wrong_version:
            return "TLS 版本号错误：对方发来的不是 TLS 数据（多半是明文 SMTP）";
        case t::err_tls_handshake_failure:
            return "对方拒绝了握手（双方没有共同支持的加密套件）";
        case t::err_tls_protocol_version:
            return "双方没有共同支持的 TLS 版本";
        case t::err_tls_unexpected_eof:
            return "握手过程中对方关闭了连接";
        case t::reply_line_too_long:
            return "回复中有一行过长：{1}";
        case t::reply_too_many_lines:
            return "回复的行数过多：{1}";
        case t::reply_too_large:
            return "回复过大：{1}";
        case t::reply_bad_code:
            return "回复码无效：{1}";
        case t::reply_code_mismatch:
            return "多行回复中各行的回复码不一致：{1}";
        case t::reply_bad_separator:
            return "回复码后面的分隔符无效：{1}";
        case t::reply_invalid_byte:
            return "回复中含有 NUL 字节：{1}";
        case t::greeting_tls_instead:
            return "{0} 毫秒内没有收到问候，但 TLS 握手成功：端口 {1} 要求隐式 TLS（WHMCS 中的"
                   "“SSL”）";
        case t::non_smtp_banner:
            return "{0} 服务的欢迎信息：{1}";
        case t::tls_record_not_greeting:
            return "服务器发来的是 TLS 记录，而不是 SMTP 问候";
        case t::greeting_bytes_received:
            return "已收到 {0} 字节";
        case t::greeting_timeout:
            return "{0} 毫秒，收到 {1} 字节";
        case t::unsolicited_after_greeting:
            return "问候之后服务器又主动发来 {0} 字节";
        case t::unsolicited_before_command:
            return "发送命令之前服务器已主动发来 {0} 字节";
        case t::unsolicited_after_reply:
            return "回复之后服务器又主动发来 {0} 字节";
        case t::helo_name_unusable:
            return "HELO 名称中含有回车、换行或空字符";
        case t::starttls_not_offered:
            return "EHLO 扩展列表中没有 STARTTLS";
        case t::ehlo_no_starttls:
            return "EHLO：未提供 STARTTLS";
        case t::bytes_after_starttls_220:
            return "220 回复之后还跟着 {0} 字节";
        case t::starttls_injection:
            return "STARTTLS 的 220 回复之后有 {0} 个意外字节（可能是命令注入）";
        case t::no_certificate:
            return "服务器没有出示证书";
        case t::cert_common_name:
            return "CN={0}";
        case t::cert_no_subject:
            return "证书没有主体名称";
        case t::cert_names:
            return "，证书所列名称 {0}";
        case t::cert_names_none:
            return "，证书未列出任何名称";
        case t::cert_expired_day:
        case t::cert_expired_days:
            return "，已于 {0} 过期（{1} 天前）";
        case t::cert_valid_from:
            return "，{0} 起才生效";
        case t::cert_expires_day:
        case t::cert_expires_days:
            return "，{0} 到期（还剩 {1} 天）";
        case t::cert_issuer_expired:
            return "，证书链中的“{0}”已于 {1} 过期";
        case t::cert_issuer_not_yet_valid:
            return "，证书链中的“{0}”{1} 起才生效";
        case t::cert_issuer_expires_day:
        case t::cert_issuer_expires_days:
            return "，证书链中的“{0}”{1} 到期（还剩 {2} 天）";
        case t::cert_self_signed:
            return "，自签名";
        case t::cert_chain_error_code:
            return "，证书链校验错误 {0}";
        case t::cert_chain_error:
            return "，证书链：{0}";
        case t::cert_chain_issuer_unknown:
            return "，证书链：找不到签发者证书（缺少中间证书，或 CA 不受本机信任）";
        case t::cert_chain_self_signed:
            return "，证书链：链中有不受信任的自签名证书";
        case t::cert_chain_expired:
            return "，证书链：链中有证书已过期";
        case t::cert_chain_not_yet_valid:
            return "，证书链：链中有证书尚未生效";
        case t::ehlo_no_auth:
            return "EHLO：未提供 AUTH";
        case t::cram_md5_not_base64:
            return "CRAM-MD5 质询不是有效的 base64：{0}";
        case t::ehlo_auth_list:
            return "EHLO 提供的 AUTH 方式：{0}";
        case t::auth_without_tls:
            return "AUTH {0}，未使用 TLS";
        case t::auth_success_before_credential:
            return "AUTH {0} 在尚未发送任何凭据时就返回了成功：{1}";
        case t::auth_success_after_username:
            return "AUTH LOGIN 在只收到用户名、尚未发送密码时就返回了成功：{0}";
        case t::auth_success_after_error:
            return "AUTH {0} 在服务器已拒绝令牌之后又返回了成功：{1}";
        case t::auth_challenge_after_last_step:
            return "AUTH {0} 在交换已经完成后仍要求继续：{1}";
        case t::address_unusable:
            return "地址中含有 SMTP 无法传送的字符";
        case t::queue_id:
            return "队列 ID {0}";
        case t::ipv6_literal_unusable:
            return "{0} 是 IPv6 地址，WHMCS 的发信组件无法把它用作 SMTP 主机";
        case t::auto_starttls_used:
            return "服务器提供 STARTTLS：SSL 类型为 None 时，WHMCS 的发信组件会自动切换到 TLS";
    }
    return "{0}";
}

}  // namespace

std::string_view detail_template(detail_text id, language lang) {
    return lang == language::zh ? template_zh(id) : detail_template_en(id);
}

std::string render_detail(const detail_notes& notes, language lang) {
    return smtp_probe::render_detail(notes,
                                     lang == language::zh ? template_zh : detail_template_en);
}

std::string localized(const std::string& text, const detail_notes& notes, language lang) {
    if (lang == language::en || notes.empty()) {
        return text;
    }
    return render_detail(notes, lang);
}

}  // namespace smtp_probe
