// 简体中文目录。设置名称采用 WHMCS 8 中文后台的叫法（设定 > 系统设定 > 常规设定 > 邮件）。
#include "probe/i18n/messages.hpp"

namespace smtp_probe::messages {
namespace {

using fc = failure_category;
using pe = probe_errc;
using wk = warning_kind;

// Literal concatenation keeps the path identical in every step that names it.
#define SP_MAIL "设定 > 系统设定 > 常规设定 > “邮件”标签页"
#define SP_PROVIDER SP_MAIL " > “配置邮件供应商”"

}  // namespace

const cause_text& cause_zh(probe_errc e) {
    switch (e) {
        case pe::dns_not_found: {
            static const cause_text t{
                "SMTP 主机名在 DNS 中不存在",
                "DNS 返回该域名没有任何地址（NXDOMAIN，或没有 A/AAAA 记录）。PHPMailer "
                "无法连接一个解析不出地址的主机，所以 WHMCS 日志里记录的是“SMTP connect() 失败”。",
                {"核对 " SP_PROVIDER
                 " 中的“主机名”，应与邮件服务商文档给出的完全一致（例如 smtp.qq.com、"
                 "smtp.exmail.qq.com、smtp.office365.com 或 mail.您的域名），改正拼写错误。",
                 "在 WHMCS 服务器上执行 dig +short A <主机名> 和 dig +short AAAA <主机名>；"
                 "如果这个域名由您自己管理，请到 DNS 服务商处补上 A/AAAA 记录。",
                 "如果别的机器能解析而本机不能，检查本机的 /etc/hosts 和 /etc/resolv.conf "
                 "中配置的 DNS 服务器。"},
                std::nullopt};
            return t;
        }
        case pe::dns_server_failure: {
            static const cause_text t{
                "DNS 服务器无法给出 SMTP 主机的解析结果",
                "DNS 服务器返回 SERVFAIL 或 REFUSED、回复格式有误，或者一台都连不上。"
                "域名本身可能没问题，只是本机拿不到它的地址，因此根本没有发起连接。",
                {"用 dig <主机名> @<DNS服务器> 逐个测试 /etc/resolv.conf 里的 DNS 服务器，"
                 "把不能用的换掉（例如换成 223.5.5.5 或 119.29.29.29）。",
                 "如果域名由您管理，请在 DNS 服务商处检查域名委派和 DNSSEC"
                 "（签名错误通常表现为 SERVFAIL）。",
                 "如有防火墙，在 CSF（/etc/csf/csf.conf 的 TCP_OUT/UDP_OUT）或 iptables 中放行"
                 "出站 53 端口（UDP 和 TCP）。"},
                std::nullopt};
            return t;
        }
        case pe::dns_timeout: {
            static const cause_text t{
                "解析 SMTP 主机名时 DNS 查询超时",
                "在限定时间内没有收到任何 DNS 应答。通常是本机配置的 DNS 服务器宕机或不可达，"
                "或出站 53 端口被过滤。",
                {"确认 /etc/resolv.conf 中的 DNS 服务器能正常应答：dig example.com @<DNS服务器>。",
                 "在 CSF（UDP_OUT/TCP_OUT）或 iptables 中放行出站 53 端口，然后执行 csf -r "
                 "重新加载防火墙。",
                 "如果本机运行了缓存 DNS（named、systemd-resolved），重启它并查看其日志。"},
                std::nullopt};
            return t;
        }
        case pe::tcp_timeout: {
            static const cause_text t{
                "连接超时：数据包被丢弃",
                "邮件服务器始终没有回应连接请求，这正是防火墙静默丢包的表现：可能在本机"
                "（CSF/iptables 出站规则），可能在机房或云服务商（阿里云、腾讯云等国内云服务器"
                "默认封禁出站 25 端口），也可能在邮件服务器前端。",
                {"在 WHMCS 服务器上放行该出站端口：CSF 在 /etc/csf/csf.conf 的 TCP_OUT 中加入端口后"
                 "执行 csf -r；firewalld 或 iptables 则添加 OUTPUT 放行规则。",
                 "向服务器提供商确认是否封禁了出站 SMTP；如果 25 端口被封，请在 " SP_PROVIDER
                 " 中把“SMTP 端口”改为 587 并将“SMTP SSL 类型”设为 TLS，或改为 465 并设为 SSL。",
                 "在本机执行 nc -vz <主机名> <端口> 确认，并与其他网络中的机器对比。"},
                std::nullopt};
            return t;
        }
        case pe::tcp_refused: {
            static const cause_text t{
                "邮件服务器拒绝了该端口上的连接",
                "主机有响应，但该端口上没有服务在监听，或防火墙直接拒绝了连接。"
                "最常见的原因是 WHMCS 中填写的 SMTP 端口不是该服务商提供的端口。",
                {"在 " SP_PROVIDER
                 " 中把“SMTP 端口”改为服务商支持的端口：587 搭配“SMTP SSL 类型” TLS，"
                 "或 465 搭配 SSL。",
                 "确认“主机名”是服务商的发信服务器，而不是网站主机或只负责收信的 MX 主机。",
                 "如果邮件服务器由您自己运维，确认已开启提交端口（Postfix 在 master.cf 中启用 "
                 "submission/smtps；cPanel 在 WHM 服务管理器中为 Exim 开启其他端口），"
                 "并在其防火墙中放行。"},
                std::nullopt};
            return t;
        }
        case pe::outbound_blocked: {
            static const cause_text t{
                "本机的安全策略拦截了出站连接",
                "操作系统在发出任何数据包之前就拒绝建立连接（EACCES/EPERM）。在 cPanel 服务器上，"
                "这通常是“SMTP 限制”或 CSF 的 SMTP_BLOCK，它们只允许邮件服务和 root 发起 SMTP "
                "连接；"
                "在 RHEL/CentOS 类系统上则可能是 SELinux 禁止 Web 服务器发起网络连接。",
                {"进入 WHM 的 主页 » 安全中心 » SMTP 限制 并将其禁用；若使用 CSF，在 "
                 "/etc/csf/csf.conf 中设置 SMTP_BLOCK = \"0\"（或把 WHMCS 所在账户的用户名加入 "
                 "SMTP_ALLOWUSER），然后执行 csf -r。",
                 "SELinux 处于 enforcing 模式时，执行 setsebool -P httpd_can_network_connect 1 "
                 "允许 PHP 对外连接。",
                 "执行 iptables -S OUTPUT，查找带 --uid-owner 且拒绝 PHP 运行用户的规则。"},
                fc::auth_failed};
            return t;
        }
        case pe::no_route: {
            static const cause_text t{
                "没有通往 SMTP 主机的网络路由",
                "内核报告主机或网络不可达。常见情况是域名解析出了 IPv6 地址，而本机并没有可用的 "
                "IPv6 网络；也可能是途中的路由器回复目标不可达。",
                {"如果失败的是 IPv6 地址，请修复本机的 IPv6 网络，或在 " SP_PROVIDER
                 " 的“主机名”中改用只有 IPv4 地址的域名。",
                 "用 ip route get <地址> 和 traceroute <地址> 检查路由。",
                 "如果问题出在机房或上游线路，请向服务器提供商提交工单，并附上尝试过的地址。"},
                std::nullopt};
            return t;
        }
        case pe::server_refused_session: {
            static const cause_text t{
                "邮件服务器在问候阶段拒绝了会话",
                "服务器没有返回正常的 220 问候，而是返回了 421 或 554。当同一地址连接过多、"
                "客户端 IP 被列入黑名单或服务器正在维护时，就会这样。",
                {"查看服务器回复，其中通常写明了原因（黑名单、连接数限制、维护）。",
                 "如果 WHMCS 服务器的 IP 被列入黑名单，请申请移除或请邮件服务商放行；"
                 "如果是连接数限制，请稍后重试。",
                 "如果邮件服务器由您自己运维，在其日志（/var/log/exim_mainlog、/var/log/maillog）"
                 "中搜索该客户端地址，并检查 WHM 安全中心里的 cPHulk。"},
                std::nullopt};
            return t;
        }
        case pe::port_mode_mismatch: {
            static const cause_text t{
                "端口与加密方式不匹配（SSL 与 TLS 用反了）",
                "465 端口要求从第一个字节起就使用 TLS（WHMCS 中的“SSL”），而 587 和 25 端口先以"
                "明文开始，再通过 STARTTLS 切换到加密（WHMCS 中的“TLS”）。组合错误时，双方会互相"
                "等待，或者 TLS 握手收到的是明文问候。",
                {"在 " SP_PROVIDER
                 " 中，“SMTP 端口” 465 搭配“SMTP SSL 类型” SSL，或“SMTP 端口” 587 搭配“SMTP SSL "
                 "类型” TLS。",
                 "不要把 465 和 TLS 搭配，也不要把 587/25 和 SSL 搭配。",
                 "保存后发送测试邮件，或再次运行本工具确认。"},
                std::nullopt};
            return t;
        }
        case pe::not_smtp: {
            static const cause_text t{
                "该端口上运行的不是邮件服务",
                "该端口返回的欢迎信息不是 SMTP（例如 SSH 或 HTTP）。WHMCS 中的主机名或 SMTP "
                "端口指向了错误的服务。",
                {"在 " SP_PROVIDER " 中把“SMTP 端口”改为服务商的提交端口：587（SMTP SSL 类型 TLS）"
                 "或 465（SSL）。",
                 "确认“主机名”是邮件服务器，而不是网站或控制面板所在的主机。"},
                std::nullopt};
            return t;
        }
        case pe::greeting_timeout: {
            static const cause_text t{
                "服务器接受了连接，但一直没有发送问候",
                "TCP 连接已建立，但在限定时间内没有收到 220 问候，尝试 TLS 握手也不成功。"
                "服务器可能负载过高、卡在对客户端的反向解析上，或者途中有代理、杀毒网关扣住了连接"
                "。",
                {"几分钟后重试；如果一直如此，把本结果发给邮件服务商。",
                 "如果邮件服务器由您自己运维，检查其负载，并确保客户端反查足够快（反向解析可用；"
                 "Exim 可设置 rfc1413_query_timeout = 0s）。",
                 "如果机房或运营商拦截了 25 端口，请在 " SP_PROVIDER
                 " 中改用 587（TLS）或 465（SSL）。"},
                std::nullopt};
            return t;
        }
        case pe::ipv6_literal_host: {
            static const cause_text t{
                "WHMCS 不能把 IPv6 地址用作 SMTP 主机",
                "WHMCS 发信所用的 PHPMailer 会在冒号处拆分主机名：\"::1\" 被当成主机 \":\" "
                "和端口 1，因此根本不会连接就失败。加上方括号（\"[2001:db8::25]\"）虽然能连上，"
                "但随后会拿 \"[2001:db8::25]\" 这个字面值去核对证书，没有证书会包含它。",
                {"在 " SP_PROVIDER " 中填写邮件服务器的主机名（如需走 IPv6，为它添加 AAAA 记录）。",
                 "如果只想通过 IPv6 测试服务器本身，用 --security 代替 --ssl-type 运行本工具。"},
                std::nullopt};
            return t;
        }
        case pe::starttls_unavailable: {
            static const cause_text t{
                "服务器不支持 STARTTLS",
                "“SMTP SSL 类型”为 TLS 时，WHMCS 会在 EHLO 之后发送 STARTTLS 切换到加密连接。"
                "这台服务器没有声明支持该命令，或拒绝了它，因此无法在该端口上建立加密会话。",
                {"如果服务商支持直接 SSL 连接，在 " SP_PROVIDER
                 " 中把“SMTP 端口”改为 465，“SMTP SSL 类型”改为 SSL。",
                 "如果邮件服务器由您自己运维，请配置有效证书并开启 STARTTLS"
                 "（Exim：tls_advertise_hosts；Postfix：smtpd_tls_security_level = may）。",
                 "仅当邮件服务器位于可信内网时，才可将“SMTP SSL 类型”设为“无”，"
                 "此时密码将以明文传输。"},
                std::nullopt};
            return t;
        }
        case pe::tls_handshake_failed: {
            static const cause_text t{
                "TLS 握手失败",
                "在建立加密通道之前，TLS 协商就中断了：双方没有共同支持的协议版本或加密套件、"
                "服务器发出了告警，或连接被重置。只支持 TLS 1.0/1.1 的老旧服务器会被当前 "
                "OpenSSL 的默认设置拒绝。",
                {"查看 TLS 错误信息：“unsupported protocol”或“no shared cipher”表示邮件服务器需要"
                 "升级到 TLS 1.2 或更高版本，请联系其管理员。",
                 "确认 " SP_PROVIDER " 中的“SMTP SSL 类型”与端口匹配：465 用 SSL，587 用 TLS。",
                 "及时更新 WHMCS 服务器上的 OpenSSL 和 ca-certificates。"},
                std::nullopt};
            return t;
        }
        case pe::cert_expired: {
            static const cause_text t{
                "邮件服务器的证书已过期（或尚未生效）",
                "PHP 在发送密码之前会校验证书，不在有效期内的证书会被拒绝。"
                "于是 WHMCS 发出的每封邮件都会记录“SMTP connect() 失败”。",
                {"在邮件服务器上续期证书：cPanel/WHM 可在 WHM » SSL/TLS » 管理 AutoSSL 中运行 "
                 "AutoSSL，并在 WHM » 服务配置 » 管理服务 SSL 证书 中检查 Exim 使用的证书。"
                 "如果是服务商的服务器，把证书的到期日期告知对方。",
                 "如果证书一行指出“证书链中的”某张证书已过期，说明服务器仍在发送旧的中间证书："
                 "请安装随新证书一起签发的证书链；如果过期的是根证书，请更新 WHMCS 服务器的 CA "
                 "证书（Debian/Ubuntu：apt install --only-upgrade ca-certificates）。",
                 "如果证书日期看起来没问题，检查 WHMCS 服务器的系统时间（timedatectl）。"},
                std::nullopt};
            return t;
        }
        case pe::cert_untrusted: {
            static const cause_text t{
                "邮件服务器的证书不受信任",
                "证书是自签名的，或者其证书链无法追溯到本机信任的证书颁发机构"
                "（常见原因是缺少中间证书）。PHP 会在登录之前就拒绝连接。",
                {"在邮件服务器上安装由公共 CA 签发、带完整证书链的证书（AutoSSL / Let's "
                 "Encrypt；WHM » 服务配置 » 管理服务 SSL 证书 中为 Exim 安装）。",
                 "更新 WHMCS 服务器上的 CA 证书包（update-ca-trust 或 update-ca-certificates）。",
                 "在 " SP_PROVIDER " 的“主机名”中填写证书签发时所用的主机名。"},
                std::nullopt};
            return t;
        }
        case pe::cert_name_mismatch: {
            static const cause_text t{
                "证书与 SMTP 主机名不匹配",
                "证书上写的主机名与 WHMCS 连接的主机名不同。在共享主机上，邮件服务器通常出示的是"
                "其服务器自身主机名（如 server123.example-host.com）的证书，而不是 "
                "mail.您的域名 的证书。",
                {"在 " SP_PROVIDER
                 " 的“主机名”中填写证书上列出的某个名称，通常就是服务器的主机名。",
                 "或者为您使用的主机名签发证书（当 mail.<域名> 解析到该服务器时，AutoSSL "
                 "会自动覆盖它）。",
                 "如果证书上列出的名称正是本 WHMCS 服务器自己的主机名，说明出站 SMTP 被重定向到了"
                 "本机：请在 WHM 的 主页 » 安全中心 » SMTP 限制 中将其禁用。"},
                fc::auth_failed};
            return t;
        }
        case pe::ehlo_rejected: {
            static const cause_text t{
                "服务器拒绝了 EHLO 和 HELO",
                "服务器拒绝了客户端的自我介绍。有些服务器会拒绝不是完整域名（FQDN）或无法解析的 "
                "HELO 名称，有些则在这一步就拒绝客户端的 IP。",
                {"为 WHMCS 服务器设置一个可解析的完整主机名（hostnamectl set-hostname "
                 "server.example.com），并配置一致的反向解析。",
                 "阅读服务器回复，向邮件服务商咨询其中提到的策略。"},
                std::nullopt};
            return t;
        }
        case pe::auth_requires_tls: {
            static const cause_text t{
                "服务器只允许在加密连接上登录",
                "服务器只在 STARTTLS 之后才提供身份验证（或回复了 530 5.7.0 “Must issue a "
                "STARTTLS command first”）。“SMTP SSL 类型”为“无”时，WHMCS 会尝试明文登录，"
                "因而被拒。",
                {"在 " SP_PROVIDER
                 " 中把“SMTP SSL 类型”设为 TLS 并使用 587 端口，或设为 SSL 并使用 465 端口。",
                 "保存后发送测试邮件；用户名和密码无需更改。"},
                fc::connect_host};
            return t;
        }
        case pe::auth_not_offered: {
            static const cause_text t{
                "服务器不提供 SMTP 身份验证",
                "EHLO 回复中没有任何 AUTH 方式，也没有可以开启它的 STARTTLS。"
                "这往往是连到了只负责收信的 25 "
                "端口，或连接被重定向到了一台不接受登录的本地服务器。",
                {"在 " SP_PROVIDER
                 " 中使用服务商的提交端口：587 搭配“SMTP SSL 类型” TLS，或 465 搭配 SSL。",
                 "如果该服务器允许本机 IP 免登录发信（中继），请将“SMTP 用户名”和“SMTP 密码”留空。",
                 "在 cPanel 服务器上，确认 WHM 的 主页 » 安全中心 » SMTP 限制 没有把连接转给本机的 "
                 "Exim。"},
                std::nullopt};
            return t;
        }
        case pe::no_common_mechanism: {
            static const cause_text t{
                "与服务器没有共同支持的登录方式",
                "服务器提供的身份验证方式都是密码客户端无法使用的（例如只有 XOAUTH2，或只有 "
                "GSSAPI/NTLM）。PHPMailer 支持 CRAM-MD5、LOGIN、PLAIN 和 XOAUTH2。",
                {"如果服务器只提供 XOAUTH2（Google、Microsoft），请在 " SP_PROVIDER
                 " 中把“邮件供应商”改为 Google 或 Microsoft（OAuth 登录），而不是 SMTP。",
                 "如果服务器由您自己运维，请在 TLS 之上启用 PLAIN 和 LOGIN"
                 "（Dovecot：auth_mechanisms = plain login）。"},
                std::nullopt};
            return t;
        }
        case pe::bad_credentials: {
            static const cause_text t{
                "用户名或密码被拒绝",
                "服务器返回 535：登录失败。要么“SMTP 用户名”或“SMTP 密码”有误，要么用户名格式不对"
                "（大多数服务器要求填写完整的邮箱地址）。",
                {"在 " SP_PROVIDER " 中重新填写“SMTP 用户名”（通常是完整邮箱地址 "
                 "user@domain）并重新输入“SMTP 密码”。",
                 "QQ 邮箱、163 邮箱等需要填写在网页端开启 SMTP "
                 "服务后生成的“授权码”，而不是登录密码；"
                 "Gmail 开启两步验证后需要应用专用密码；Microsoft 365 需要为该邮箱启用“经过身份"
                 "验证的 SMTP”。",
                 "用同一组账号密码登录网页邮箱进行确认；必要时在 cPanel » 邮件账户 "
                 "中重置邮箱密码。"},
                std::nullopt};
            return t;
        }
        case pe::auth_premature_success: {
            static const cause_text t{
                "服务器在核对密码之前就声称登录成功",
                "服务器在登录过程中途、密码尚未发送时就返回了 235（已认证），实际上什么都没有核对。"
                "这违反了 AUTH 的交换流程（RFC 4954）：PHPMailer 在这一步等待服务器的 334 提示，"
                "因此 " SP_PROVIDER
                " 会报告无法认证；其他邮件客户端则可能在根本没有登录的情况下发信。",
                {"如果服务器由您自己运维，请检查其 SMTP AUTH 配置（是否有代理或过滤程序替它应答，"
                 "或认证插件损坏），然后重新测试登录。",
                 "否则请把会话记录（--transcript，其中从不显示密码）发给邮件服务商。",
                 "在此期间可以换一种认证方式试试（--auth-mech PLAIN 或 LOGIN）。"},
                std::nullopt};
            return t;
        }
        case pe::app_password_required: {
            static const cause_text t{
                "Gmail 要求使用应用专用密码",
                "该 Google 账号开启了两步验证，因此 Google 在 SMTP 登录时拒绝普通密码（534 "
                "5.7.9）。",
                {"在 Google 账号 » 安全性 » 两步验证 » 应用专用密码 中生成一个应用专用密码。",
                 "把这 16 位密码（去掉空格）填入 " SP_PROVIDER " 的“SMTP 密码”。",
                 "或者把“邮件供应商”改为 Google，使用 OAuth 登录。"},
                std::nullopt};
            return t;
        }
        case pe::web_login_required: {
            static const cause_text t{
                "Google 认为此次登录可疑并予以阻止",
                "Google 返回 534 5.7.14：它要求先在浏览器中以交互方式登录，才接受此次登录。"
                "通常是因为登录来自一个新的位置（WHMCS 服务器）。",
                {"在浏览器中登录该账号，到 Google 账号 » 安全性 » 最近的安全活动 "
                 "中确认这次登录是您本人。",
                 "之后在“SMTP 密码”中改用应用专用密码，或在 " SP_PROVIDER
                 " 中把“邮件供应商”改为 Google（OAuth）。"},
                std::nullopt};
            return t;
        }
        case pe::auth_throttled: {
            static const cause_text t{
                "登录尝试过多，服务器正在限流",
                "该地址尝试或失败的次数过多，服务器暂时拒绝身份验证（454 4.7.0 或 450 4.7.1）。"
                "WHMCS 定时任务不断用错误的密码重试，会让封锁一直持续。",
                {"先改正账号密码，然后等待一段时间（通常 15 到 60 分钟）再测试。",
                 "如果是您自己的服务器，在 WHM » 安全中心 » cPHulk 暴力破解保护（或 fail2ban）中"
                 "解封 WHMCS 服务器的 IP，并将其加入白名单。"},
                std::nullopt};
            return t;
        }
        case pe::smtp_auth_disabled: {
            static const cause_text t{
                "该 Microsoft 365 邮箱或租户禁用了 SMTP AUTH",
                "Microsoft 365 返回 535 5.7.139：租户或该邮箱关闭了经过身份验证的 SMTP 提交，"
                "因此即使密码正确也会被拒绝。",
                {"在 Microsoft 365 管理中心打开 用户 » 活跃用户 » （该邮箱） » 邮件 » "
                 "管理电子邮件应用，"
                 "勾选“经过身份验证的 SMTP”。",
                 "如果租户启用了“安全默认值”，它会阻止 SMTP AUTH：请改为在 " SP_PROVIDER
                 " 中把“邮件供应商”设为 Microsoft（OAuth）。",
                 "也可在 Exchange Online PowerShell 中执行：Set-CASMailbox -Identity <邮箱> "
                 "-SmtpClientAuthenticationDisabled $false。"},
                std::nullopt};
            return t;
        }
        case pe::auth_required: {
            static const cause_text t{
                "服务器要求先登录才能发信",
                "MAIL FROM 收到 530 "
                "5.7.0：服务器只为已通过身份验证的用户转发邮件，而这次没有登录。",
                {"在 " SP_PROVIDER " 中填写“SMTP 用户名”和“SMTP 密码”。",
                 "如果已经填写，确认服务器提供了 AUTH（见 EHLO 步骤）；可能需要先把“SMTP SSL 类型”"
                 "设为 TLS。"},
                std::nullopt};
            return t;
        }
        case pe::sender_not_owned: {
            static const cause_text t{
                "发件人地址不属于登录账号",
                "服务器只允许账号以自己的地址发信（553 5.7.1 “not owned by user”，550 5.7.60 "
                "无代发权限）。WHMCS 使用“系统邮件发件人邮箱”作为发件人，而它与“SMTP 用户名”不同。",
                {"在 " SP_MAIL " 中把“系统邮件发件人邮箱”改为与“SMTP 用户名”相同的地址。",
                 "或者给登录账号授予以该地址发信的权限（Microsoft 365：“代理发送”权限；"
                 "cPanel：改用该地址对应的邮箱登录）。",
                 "如果只有工单邮件失败，还要检查 设定 > 系统设定 > 支持部门 中各部门的邮箱地址。"},
                fc::sender_verify};
            return t;
        }
        case pe::sender_unknown: {
            static const cause_text t{
                "邮件服务器不认识该发件人地址",
                "发件人地址在服务器上不存在，或其域名无法验证（5.1.7 / 5.1.8，“Sender verify "
                "failed”）。cPanel 上的 Exim 会检查发件邮箱是否真实存在。",
                {"登录 cPanel，进入 主页 » 邮件 » "
                 "邮件账户，确认该邮箱存在（不存在则创建邮箱或转发器）。",
                 "在 " SP_MAIL
                 " 中把“系统邮件发件人邮箱”（以及各支持部门的邮箱）改为已存在的邮箱。",
                 "确认发件人域名能正常解析（有 MX 或 A 记录）。"},
                std::nullopt};
            return t;
        }
        case pe::rate_limited: {
            static const cause_text t{
                "服务器正在限制发信频率",
                "服务器暂时拒绝发信（4xx 回复中提到频率或限额、421 “try again later”、Amazon SES "
                "“Maximum sending rate exceeded”）。群发或批量生成账单后时好时坏，正是典型特征。",
                {"稍后重试；发送失败的邮件可在客户资料的“邮件”标签页中找到并重新发送。",
                 "请服务商提高发信限额；如果是自己的 cPanel 服务器，在 WHM » 调整设置 » 邮件 中调高"
                 "“每个域每小时最大邮件数”。",
                 "把群发邮件分散到不同时间段发送。"},
                std::nullopt};
            return t;
        }
        case pe::message_too_large: {
            static const cause_text t{
                "邮件大小超过服务器的上限",
                "服务器以大小为由拒绝了邮件（552 5.3.4）。WHMCS 的附件（PDF "
                "账单，尤其是每天的数据库"
                "备份邮件）很容易超过服务商的限制。",
                {"在 设定 > 系统设定 > 邮件模板 中去掉模板里的大附件。",
                 "如果只有数据库备份邮件失败，请在 WHMCS 的备份设置（设定 > 系统设定 下）中停用邮件"
                 "备份，改用 FTP 或 cPanel 备份。",
                 "如果是自己的服务器，可调高上限（WHM » Exim 配置管理器：message_size_limit）。"},
                std::nullopt};
            return t;
        }
        case pe::relay_denied: {
            static const cause_text t{
                "服务器拒绝为该收件人转发邮件",
                "服务器只为已通过身份验证的用户向外部域名转发邮件（554 5.7.1 “Relay access "
                "denied”）。要么没有登录，要么该主机只负责收信。",
                {"在 " SP_PROVIDER " 中填写“SMTP 用户名”和“SMTP 密码”，并使用“SMTP SSL 类型” "
                 "TLS（587）或 SSL（465）。",
                 "确认“主机名”是服务商的发信（提交）服务器，而不是 MX 收信主机。"},
                fc::auth_failed};
            return t;
        }
        case pe::recipient_rejected: {
            static const cause_text t{
                "收件人地址被拒绝",
                "服务器拒绝了该收件人（550 5.1.1 用户不存在，或该地址/域名在黑名单中）。"
                "发往这个地址的邮件失败，其他邮件则正常。",
                {"在客户资料的“资料”标签页中检查客户的邮箱地址是否有拼写错误。",
                 "如果是自己的服务器，检查垃圾邮件和黑名单设置（cPanel » "
                 "垃圾邮件过滤器、邮件过滤器；"
                 "WHM » Exim 配置管理器）。"},
                std::nullopt};
            return t;
        }
        case pe::content_rejected: {
            static const cause_text t{
                "邮件内容被拒收",
                "在 DATA "
                "阶段，服务器依据内容策略拒收了邮件（554）：垃圾邮件评分过高、附件类型被禁止，"
                "或正文中的链接在黑名单中。",
                {"阅读服务器回复，找出命中的规则。",
                 "在 设定 > 系统设定 > 邮件模板 中检查模板里可疑的链接或附件。",
                 "为发件域名配置 SPF 和 DKIM（cPanel » 邮件送达能力）。"},
                std::nullopt};
            return t;
        }
        case pe::sender_unverified: {
            static const cause_text t{
                "发件人地址未在服务商处完成验证",
                "Amazon SES 等服务只接受在其控制台中验证过的发件地址或域名（“Email address is not "
                "verified”）。",
                {"在 SES 控制台的“已验证身份”中验证该地址或域名，区域须与所用 SMTP 端点一致。",
                 "在 " SP_MAIL " 中把“系统邮件发件人邮箱”改为已验证的地址。",
                 "SES 账号处于沙盒期间，收件人也必须经过验证：请申请生产访问权限。"},
                std::nullopt};
            return t;
        }
        case pe::reply_timeout: {
            static const cause_text t{
                "会话进行到一半，服务器停止了响应",
                "发出命令后，在限定时间内没有收到回复。服务器可能负载过高或在做耗时的检查"
                "（DNS、反垃圾），也可能是中间设备卡住了连接。",
                {"记下是哪一步超时，然后重试。",
                 "如果服务器由您自己运维，检查其负载以及邮件日志中这次连接的记录。",
                 "如果卡在 TLS 阶段，排查两台服务器之间的代理或 MTU 问题。"},
                std::nullopt};
            return t;
        }
        case pe::deadline_exceeded: {
            static const cause_text t{
                "整个测试耗时过长",
                "在所有步骤完成之前，总时限就用完了。服务器还活着但很慢，WHMCS 发信时同样会放弃。",
                {"对比各步骤的耗时，找出慢的那一步。",
                 "放宽总时限再测一次，看能否完成，并把慢的步骤反馈给邮件服务商。"},
                std::nullopt};
            return t;
        }
        case pe::protocol_violation: {
            static const cause_text t{
                "服务器违反了 SMTP 协议",
                "服务器发来了任何 SMTP 客户端都无法接受的内容：无效的回复码、没有尽头的回复，或在 "
                "STARTTLS 的 220 "
                "之后紧跟数据（可能是注入攻击）。通常是途中有故障的代理或杀毒网关。",
                {"排查两台服务器之间是否有透明代理或邮件杀毒网关（机房、运营商或本机安全软件）。",
                 "在 " SP_PROVIDER " 中改用另一个提交端口（587 搭配 TLS，或 465 搭配 SSL）。",
                 "把会话记录发给邮件服务商。"},
                std::nullopt};
            return t;
        }
        case pe::connection_lost: {
            static const cause_text t{
                "连接被意外关闭",
                "在某个步骤进行中，服务器或中间设备关闭或重置了连接。服务器会断开它不欢迎的客户端"
                "（黑名单、连接过多），防火墙也会切断被检测或空闲的连接。",
                {"如有会话记录，查看其中最后一条服务器回复，然后重试。",
                 "如果是自己的服务器，检查 cPHulk（WHM » 安全中心）、fail2ban "
                 "以及邮件日志中该客户端 "
                 "IP 的记录。",
                 "询问邮件服务商 WHMCS 服务器的 IP 是否被封禁。"},
                std::nullopt};
            return t;
        }
        case pe::unexpected_reply: {
            static const cause_text t{
                "服务器返回了意料之外的错误",
                "服务器给出了否定回复，本工具对其没有更具体的解释。回复的内容是最好的线索。",
                {"阅读服务器回复及其增强状态码（如 5.7.1）。",
                 "在邮件服务商的文档中搜索该状态码，或把回复内容发给服务商。"},
                std::nullopt};
            return t;
        }
        case pe::sendmail_missing: {
            static const cause_text t{
                "PHP mail() 所需的 sendmail 程序不存在",
                "“邮件供应商”为 PHP Mail 时，PHP 会把每封邮件交给 php.ini 中 sendmail_path "
                "指定的程序。该程序不存在，mail() 因而失败，WHMCS 记录“无法实例化邮件函数”。",
                {"在 " SP_PROVIDER " 中把“邮件供应商”改为 SMTP：更可靠，出错时信息也更清楚。",
                 "或者安装提供 /usr/sbin/sendmail 的本地邮件服务（Postfix 或 Exim），并设置 "
                 "sendmail_path = \"/usr/sbin/sendmail -t -i\"。",
                 "修改的必须是运行 WHMCS 的那个 PHP 版本的 php.ini（WHM » MultiPHP INI 编辑器，"
                 "或 PHP-FPM 池配置），它可能与命令行的 php.ini 不同。"},
                std::nullopt};
            return t;
        }
        case pe::sendmail_not_executable: {
            static const cause_text t{
                "sendmail 程序存在，但 PHP 无法执行它",
                "对运行 PHP 的用户来说，sendmail_path 指向的文件不可执行：文件权限、以 noexec "
                "挂载、SELinux，或 CageFS/open_basedir 限制。",
                {"用 ls -l 检查该文件，并赋予执行权限（chmod 755）。",
                 "SELinux 处于 enforcing 模式时执行 setsebool -P httpd_can_sendmail 1；"
                 "CloudLinux 上确认 CageFS 内可以使用 sendmail。",
                 "或者在 " SP_PROVIDER " 中把“邮件供应商”改为 SMTP。"},
                std::nullopt};
            return t;
        }
        case pe::sendmail_failed: {
            static const cause_text t{
                "sendmail 已运行，但报告了错误",
                "sendmail 程序启动后以错误状态退出，PHP 的 mail() 因此返回 false。"
                "本地邮件服务可能已停止、队列已满，或发件人被拒绝。",
                {"确认本地邮件服务正在运行（systemctl status exim 或 postfix），并查看其日志。",
                 "或者在 " SP_PROVIDER " 中把“邮件供应商”改为 SMTP。"},
                std::nullopt};
            return t;
        }
        case pe::mail_disabled: {
            static const cause_text t{
                "PHP 的 mail() 函数已被禁用",
                "php.ini 的 disable_functions 中包含 mail，因此“邮件供应商”为 PHP Mail 时无法发送"
                "任何邮件。",
                {"在 " SP_PROVIDER " 中把“邮件供应商”改为 SMTP（推荐）。",
                 "或者在安全策略允许的前提下，从 disable_functions 中删除 mail"
                 "（WHM » MultiPHP INI 编辑器）。"},
                std::nullopt};
            return t;
        }
        case pe::smtp_restrictions_redirect: {
            static const cause_text t{
                "出站 SMTP 被重定向到了本机",
                "应答的服务器自称是本机，而 WHMCS 要连接的是另一台主机。cPanel 的“SMTP 限制”"
                "（或 CSF 的 SMTP_BLOCK）会把普通用户的出站 SMTP 转给本机的 Exim，"
                "它出示的是自己的证书，也不认识您在服务商处的密码。",
                {"进入 WHM 的 主页 » 安全中心 » SMTP 限制 并将其禁用。",
                 "若使用 CSF，在 /etc/csf/csf.conf 中设置 SMTP_BLOCK = \"0\"（或把 WHMCS 所在账户的"
                 "用户名加入 SMTP_ALLOWUSER），然后执行 csf -r。",
                 "再次测试：问候信息和证书中应当出现服务商服务器的名称。"},
                fc::auth_failed};
            return t;
        }
    }
    static const cause_text unknown{
        "未知原因",
        "本工具报告了一个当前版本无法解释的原因。",
        {"使用 --format json 运行并把原因编号反馈给 smtp-probe 的维护者。"},
        std::nullopt};
    return unknown;
}

const cause_text& warning_zh(warning_kind w) {
    switch (w) {
        case wk::cert_expiring: {
            static const cause_text t{
                "邮件服务器的证书即将过期",
                "证书一旦过期，PHP 就会拒绝连接，WHMCS 发出的每封邮件都将以“SMTP connect() "
                "失败”告终。",
                {"现在就续期（AutoSSL：WHM » SSL/TLS » 管理 AutoSSL），或确认自动续期正常。",
                 "如果是服务商的服务器，把显示的到期日期告知对方。"},
                fc::smtp_connect_failed};
            return t;
        }
        case wk::sender_differs_from_login: {
            static const cause_text t{
                "发件人地址与 SMTP 用户名不一致",
                "许多服务商（Microsoft 365、Gmail、QQ 邮箱、启用发件人检查的 cPanel/Exim）会拒收或"
                "改写发件人与登录账号不同的邮件。本次测试可能通过，但 WHMCS 实际发信时仍可能出现"
                "“数据未被接受”。",
                {"在 " SP_MAIL " 中把“系统邮件发件人邮箱”改为“SMTP 用户名”对应的地址。",
                 "或者给登录账号授予以该发件人地址发信的权限。"},
                fc::data_not_accepted};
            return t;
        }
        case wk::credentials_in_clear: {
            static const cause_text t{
                "密码以明文发送",
                "身份验证发生在未加密的连接上，用户名和密码在传输途中可被任何人读取。",
                {"在 " SP_PROVIDER
                 " 中把“SMTP SSL 类型”设为 TLS 并使用 587 端口，或设为 SSL 并使用 465 端口。",
                 "如果这条连接经过了公网，请修改该邮箱的密码。"},
                fc::connect_host};
            return t;
        }
        case wk::size_limit_below_message: {
            static const cause_text t{
                "预计大小的邮件会被拒收",
                "服务器声明的 SIZE 上限小于计划发送的邮件大小。带大附件的邮件（PDF "
                "账单、数据库备份）"
                "将以“数据未被接受”失败。",
                {"在 设定 > 系统设定 > 邮件模板 中控制附件大小。",
                 "数据库备份改用 FTP 或 cPanel，而不是邮件（WHMCS 的备份设置，位于 设定 > 系统设定 "
                 "下）。"},
                fc::data_not_accepted};
            return t;
        }
        case wk::some_addresses_failed: {
            static const cause_text t{
                "服务器的部分地址无法使用",
                "该主机名对应多个地址，其中至少一个失败，另一个成功。WHMCS 因此可能时好时坏，"
                "典型情况是本机没有可用的 IPv6 却尝试了 IPv6 地址。",
                {"查看尝试过的地址列表，修复失败的那条路径（IPv6 网络、针对该地址的防火墙规则）。",
                 "或者在 " SP_PROVIDER " 的“主机名”中改用只解析到可用地址的域名。"},
                fc::smtp_connect_failed};
            return t;
        }
        case wk::smtp_restrictions_redirect: {
            static const cause_text t{
                "出站 SMTP 落到了本机",
                "应答的服务器自称是本机，而不是要连接的主机。cPanel 的“SMTP 限制”（或 CSF 的 "
                "SMTP_BLOCK）把出站 SMTP 转给了本机的 Exim；现在也许能发信，但邮件并没有经过您的"
                "服务商发出。",
                {"进入 WHM 的 主页 » 安全中心 » SMTP 限制 并将其禁用。",
                 "若使用 CSF，设置 SMTP_BLOCK = \"0\"（或把 WHMCS 用户加入 SMTP_ALLOWUSER），"
                 "然后执行 csf -r。"},
                fc::auth_failed};
            return t;
        }
        case wk::insecure_certificate: {
            static const cause_text t{
                "证书校验失败（已按要求忽略）",
                "证书校验没有通过，但测试被要求继续进行。WHMCS 会校验证书，"
                "因此实际发信仍会以“SMTP connect() 失败”告终。",
                {"按证书失败的说明修复证书（续期、安装完整证书链，或使用证书签发时的主机名）。",
                 "不忽略证书错误再测试一次。"},
                fc::smtp_connect_failed};
            return t;
        }
        case wk::ipv6_literal_host: {
            static const cause_text t{
                "这个 IPv6 地址填在 WHMCS 的主机名里无法使用",
                "服务器在该 IPv6 地址上应答正常，但 WHMCS 的发信组件 PHPMailer 不能把 IPv6 "
                "字面地址当作 SMTP 主机：不加方括号时冒号被当成端口，加了方括号则证书校验失败。",
                {"在 " SP_PROVIDER " 中填写邮件服务器的主机名，并为 IPv6 添加 AAAA 记录。",
                 "如果该主机名还没有 AAAA 记录，请先在其 DNS 服务商处添加。"},
                fc::connect_host};
            return t;
        }
        case wk::tls_not_used: {
            static const cause_text t{
                "连接没有加密",
                "服务器没有提供 "
                "STARTTLS，整个会话都以明文进行，邮件内容和登录信息在传输途中都可被读取。",
                {"如果服务商支持，在 " SP_PROVIDER " 中使用 465 端口并把“SMTP SSL 类型”设为 SSL。",
                 "否则请服务商开启 STARTTLS。"},
                fc::connect_host};
            return t;
        }
    }
    static const cause_text unknown{"未知警告",
                                    "本工具报告了一个当前版本无法解释的警告。",
                                    {"使用 --format json 运行以查看其编号。"},
                                    std::nullopt};
    return unknown;
}

const category_text& category_zh(failure_category c) {
    switch (c) {
        case fc::ok: {
            static const category_text t{
                "无错误", "本工具执行的所有步骤均已通过。", {"无需处理。"}};
            return t;
        }
        case fc::instantiate_mail: {
            static const category_text t{
                "无法实例化邮件函数",
                "“邮件供应商”为 PHP Mail，而 PHP 的 mail() 无法把邮件交给本机的 sendmail 程序。"
                "mail() 不提供有用的错误细节，所以这条信息说明得很少。",
                {"最佳做法：在 " SP_PROVIDER " 中把“邮件供应商”改为 SMTP，再用本工具测试。",
                 "如必须使用 PHP Mail：检查 WHMCS 所用 php.ini（WHM » MultiPHP INI 编辑器）中的 "
                 "sendmail_path 和 disable_functions，并确认 /usr/sbin/sendmail 存在。",
                 "确认本地邮件服务（Exim、Postfix）正在运行。"}};
            return t;
        }
        case fc::connect_host: {
            static const category_text t{
                "无法连接到 SMTP 主机",
                "PHPMailer 无法建立可用的 SMTP 会话：设置有误、端口与 SSL 类型不匹配，"
                "或某一方阻止了连接。",
                {"检查 " SP_PROVIDER
                 " 中的“主机名”“SMTP 端口”“SMTP 用户名”“SMTP 密码”和“SMTP SSL 类型”。",
                 "端口与 SSL 类型必须匹配：465 用 SSL，587 用 TLS，25 用“无”或 TLS。",
                 "用本工具测试同一主机和端口，查看是哪一步失败。"}};
            return t;
        }
        case fc::auth_failed: {
            static const category_text t{
                "身份验证失败",
                "邮件服务器拒绝了 WHMCS 提交的 SMTP 登录信息。",
                {"检查 " SP_PROVIDER " 中的“SMTP 用户名”（完整邮箱地址）和“SMTP 密码”；"
                 "QQ/163 邮箱需填写授权码。",
                 "在 cPanel 服务器上，禁用 WHM 的 主页 » 安全中心 » SMTP 限制，它会把出站 SMTP "
                 "转给本机。",
                 "Gmail 需要应用专用密码（或 OAuth）；Microsoft 365 需要为邮箱启用经过身份验证的 "
                 "SMTP（或 OAuth）。"}};
            return t;
        }
        case fc::sender_verify: {
            static const category_text t{
                "发件人验证失败",
                "WHMCS 使用的发件人地址在 SMTP 服务器上不存在。",
                {"登录 cPanel，进入 主页 » 邮件 » 邮件账户，记下现有的邮箱。",
                 "在 " SP_MAIL " 中把“系统邮件发件人邮箱”（以及各支持部门的邮箱）设为其中之一。"}};
            return t;
        }
        case fc::template_syntax: {
            static const category_text t{
                "语法错误",
                "某个邮件模板包含无效的 Smarty 代码，WHMCS 无法生成邮件。与邮件服务器无关。",
                {"日志中会给出模板名称、出错行号和附近的代码。",
                 "进入 设定 > 系统设定 > 邮件模板，编辑该模板并修正代码（常见的是未闭合的 {if}），"
                 "然后点击“保存更改”。",
                 "重新发送该邮件以确认。"}};
            return t;
        }
        case fc::smarty_policy: {
            static const category_text t{
                "Smarty 错误：安全策略禁止",
                "某个邮件模板使用了 WHMCS 的 Smarty 安全策略禁止在模板中使用的代码（PHP "
                "函数、标签）。"
                "与邮件服务器无关。",
                {"进入 设定 > 系统设定 > 邮件模板，找出模板试图执行的内容（日志中会写明函数名）。",
                 "删除这段代码；如果确认可信，也可以在 configuration.php 的 Smarty 安全策略"
                 "（$smarty_security_policy）中为其添加例外。"}};
            return t;
        }
        case fc::data_not_accepted: {
            static const category_text t{
                "数据未被接受",
                "邮件服务器接受了登录，却拒收了邮件：原因在发件人、某个收件人、邮件大小或发信频率"
                "。",
                {"在 " SP_MAIL
                 " 中让“系统邮件发件人邮箱”与“SMTP 用户名”一致，或向服务商确认是否允许"
                 "两者不同。",
                 "去掉大附件（设定 > 系统设定 > 邮件模板）；如果只有数据库备份邮件失败，改用 FTP "
                 "备份。",
                 "若时好时坏，多半是频率限制：稍后再试或请服务商提高限额；同时检查收件人是否在黑名"
                 "单中。"}};
            return t;
        }
        case fc::sending_disabled: {
            static const category_text t{
                "配置导致邮件发送中止",
                "在 " SP_MAIL
                " 中启用了“禁用邮件发送”（WHMCS 8.1 及以上）。每次更改该设置，以及之后"
                "每一封被拦下的邮件，WHMCS 都会记录这条信息。",
                {"打开 " SP_MAIL "，取消勾选“禁用邮件发送”。",
                 "只在测试或开发用的 WHMCS 副本上启用此设置。"}};
            return t;
        }
        case fc::smtp_connect_failed: {
            static const category_text t{
                "SMTP connect() 失败",
                "PHPMailer 根本无法建立连接：主机名解析失败、防火墙阻止了连接、本机禁止使用外部 "
                "SMTP，或服务器证书无效。",
                {"用本工具测试同一主机和端口：它能区分 DNS、防火墙、SMTP 限制和证书问题。",
                 "在 cPanel 服务器上检查 WHM 的 主页 » 安全中心 » SMTP 限制 和 CSF 的 SMTP_BLOCK；"
                 "启用了 SELinux 时检查 httpd_can_network_connect。",
                 "检查邮件服务器证书的到期日期和证书上的主机名。"}};
            return t;
        }
        case fc::no_recipients: {
            static const category_text t{
                "邮件无收件人",
                "WHMCS 找不到可以发送的对象：客户及其联系人在“电子邮件通知偏好”中退订了这类邮件。"
                "与邮件服务器无关。",
                {"打开客户的“客户资料”标签页（以及联系人的“联系人”标签页），勾选对应的邮件类型。",
                 "例如“产品欢迎邮件”发送失败时，需要勾选“产品邮件”。"}};
            return t;
        }
    }
    static const category_text unknown{"未知类别", "", {}};
    return unknown;
}

std::string_view phase_zh(phase p) {
    switch (p) {
        case phase::dns:
            return "DNS 解析";
        case phase::tcp:
            return "TCP 连接";
        case phase::greeting:
            return "服务器问候";
        case phase::ehlo:
            return "EHLO 握手";
        case phase::starttls:
            return "STARTTLS 升级";
        case phase::tls:
            return "TLS 握手";
        case phase::certificate:
            return "证书校验";
        case phase::auth:
            return "登录（AUTH）";
        case phase::mail_from:
            return "发件人（MAIL FROM）";
        case phase::rcpt:
            return "收件人（RCPT TO）";
        case phase::data:
            return "邮件内容（DATA）";
        case phase::quit:
            return "断开（QUIT）";
    }
    return "?";
}

std::string_view status_zh(phase_status s) {
    switch (s) {
        case phase_status::pass:
            return "通过";
        case phase_status::fail:
            return "失败";
        case phase_status::warn:
            return "警告";
        case phase_status::skip:
            return "跳过";
    }
    return "?";
}

std::string_view ui_zh(ui_string s) {
    using u = ui_string;
    switch (s) {
        case u::target:
            return "目标";
        case u::verdict_ok:
            return "正常：所有步骤均通过";
        case u::nagios_all_passed:
            return "所有步骤均通过";
        case u::monitoring_threshold:
            return "监控阈值：";
        case u::verdict_warnings:
            return "正常，但有警告";
        case u::verdict_failed:
            return "失败";
        case u::category:
            return "WHMCS 错误";
        case u::whmcs_english:
            return "英文日志";
        case u::cause:
            return "原因";
        case u::underlying_cause:
            return "直接表现";
        case u::failed_phase:
            return "失败步骤";
        case u::server_reply:
            return "服务器回复";
        case u::error:
            return "错误";
        case u::errno_label:
            return "系统错误码";
        case u::certificate:
            return "证书";
        case u::cert_valid:
            return "有效期";
        case u::cert_to:
            return "至";
        case u::days_left:
            return "剩余天数";
        case u::cert_names:
            return "证书名称";
        case u::cert_issuer:
            return "签发者";
        case u::cert_verify:
            return "校验结果";
        case u::why:
            return "为什么";
        case u::remedy:
            return "解决方法";
        case u::see_also:
            return "另请参阅";
        case u::warnings:
            return "警告";
        case u::transcript:
            return "会话记录";
        case u::addresses_tried:
            return "尝试过的地址";
        case u::skipped_not_asked:
            return "未要求";
        case u::skipped_after_failure:
            return "前面步骤已失败";
        case u::round_trips:
            return "往返次数";
        case u::total_time:
            return "总耗时";
        case u::capabilities:
            return "服务器功能";
        case u::auth_mechanisms:
            return "AUTH 方式";
        case u::tls_session:
            return "TLS";
        case u::resolved_addresses:
            return "解析地址";
        case u::connected_to:
            return "已连接";
        case u::used_helo:
            return "已退回 HELO";
        case u::diag_heading:
            return "{host} 的诊断";
        case u::diag_port:
            return "端口";
        case u::diag_mode:
            return "方式";
        case u::diag_ssl_type:
            return "SSL 类型";
        case u::diag_result:
            return "结果";
        case u::diag_time:
            return "耗时";
        case u::diag_cert_days:
            return "证书剩余天数";
        case u::diag_size:
            return "SIZE";
        case u::diag_works:
            return "可用";
        case u::diag_not_tried:
            return "未尝试：密码已在端口 {port} 被拒绝";
        case u::diag_details:
            return "失败详情";
        case u::diag_recommend:
            return "建议";
        case u::diag_sent_ok:
            return "发往 {to} 的测试邮件已被服务器接收";
        case u::diag_sent_failed:
            return "发往 {to} 的测试邮件被拒绝";
        case u::diag_enter:
            return "SMTP Port {port}，SMTP SSL Type {ssl_type}";
        case u::diag_where:
            return "在 WHMCS 的 设定 > 系统设定 > 常规设定 "
                   ">“邮件”标签页中填写（英文界面：Configuration > System Settings > General "
                   "Settings > Mail）。";
        case u::diag_none_works:
            return "没有可用的组合。最能说明问题的失败是：";
        case u::diag_why_others:
            return "其他组合为何失败";
        case u::diag_hint_speaks_tls_first:
            return "{port} 一连接就要求 TLS：请选 SSL，不要选 TLS 或 None";
        case u::diag_hint_expects_starttls:
            return "{port} 先以明文问候：请选 TLS（STARTTLS），不要选 SSL";
        case u::diag_hint_port_closed:
            return "{port} 端口关闭或被过滤：连接无法建立";
        case u::diag_hint_no_starttls:
            return "{port} 不提供 STARTTLS：TLS 在此端口不可用";
        case u::diag_hint_certificate:
            return "{port}：服务器证书验证失败";
        case u::diag_hint_password_refused:
            return "{port}：服务器拒绝了密码";
        case u::diag_hint_redirected:
            return "{port}：回应来自本机，而不是所指定的主机（见下文）";
        case u::diag_redirect:
            return "本机发出的 SMTP 连接被重定向到本机自己的邮件服务器（cPanel “SMTP Restrictions” "
                   "或 CSF）：上面的回应可能来自本机，而不是所指定的主机。";
        case u::diag_redirect_fix:
            return "在 WHM » Home » Security Center » SMTP Restrictions 中关闭；使用 CSF 时，在 "
                   "/etc/csf/csf.conf 中把 SMTP_BLOCK 和 SMTP_REDIRECT 设为 \"0\" 并重启 csf。root "
                   "不受该重定向限制，因此以 root 运行探测可能看不到 Web 服务器用户遇到的情况。";
        case u::diag_ran_as:
            return "本次连接以用户 {user}（uid {uid}）身份发起：已按 --as-user 从 root 切换。";
        case u::diag_offer_as_user:
            return "本次探测以 root 身份运行。cPanel 的 SMTP Restrictions 和 CSF 的 SMTP_REDIRECT "
                   "对 root 放行，而 WHMCS 以其所属账户用户身份运行，两者连到的服务器可能不同。"
                   "要看到 WHMCS 实际遇到的情况，请加上 --as-user 并指定拥有 WHMCS 文件的用户"
                   "（即其 cPanel 账户）再运行一次。";
        case u::diag_size_note:
            return "计划发送的 {planned} 字节邮件经 base64 编码约增大为 4/3，再加上邮件头，约 "
                   "{encoded} 字节；推荐的服务器最多接受 {limit} 字节（SIZE）。";
        case u::diag_no_login:
            return "未提供 --user：未测试登录，建议仅基于连接、TLS 和证书的结果。";
        case u::diag_dns_failed:
            return "主机名无法解析，因此没有尝试任何端口。";
        case u::diag_also_works:
            return "同样可用：{list}";
        case u::run_target:
            return "目标";
        case u::run_server:
            return "服务器";
        case u::run_not_run:
            return "无法运行：{error}";
        case u::run_summary:
            return "共 {total} 个目标：{ok} 个正常，{warnings} 个有警告，{failed} 个失败";
        case u::run_threshold_note:
            return "模块设定的监控阈值；WHMCS 本身仍能发信";
        case u::run_progress:
            return "已完成 {done}/{total}，失败 {failing}";
        case u::run_failures:
            return "失败详情";
        case u::auto_tls_works_upgraded:
            return "SSL 类型为 None 时之所以能成功，是因为服务器提供 STARTTLS，WHMCS 的发信组件"
                   "（PHPMailer）会自动切换到 TLS。建议把 SSL 类型明确设为 TLS。";
        case u::auto_tls_upgrade_failed:
            return "这里的 SSL 类型 None 并不等于明文：服务器提供 STARTTLS，WHMCS 的发信组件"
                   "（PHPMailer）会自动切换到 TLS，照常校验证书，失败后也不会退回明文。"
                   "失败的正是这一步自动升级。";
        case u::whmcs_log:
            return "WHMCS 将记录的日志（按 PHPMailer 版本）";
        case u::whmcs_log_heading:
            return "日志里的字样对应排查指南的“{title}”一节，但这个原因列在“{category}”一节，"
                   "请到那里查找。";
        case u::auto_tls_upgraded_failed_later:
            return "SSL 类型为 None，但服务器提供 STARTTLS，WHMCS 的发信组件（PHPMailer）"
                   "已自动切换到 TLS；升级成功，失败发生在之后的步骤。";
    }
    return "?";
}

#undef SP_PROVIDER
#undef SP_MAIL

std::string_view php_mail_zh(php_mail_text t) {
    using p = php_mail_text;
    switch (t) {
        case p::none:
            return "";
        case p::verbatim:
            return "{0}";
        case p::mail_disabled:
            return "disable_functions = {0} 中包含 mail";
        case p::nothing_disabled:
            return "未禁用任何函数";
        case p::mail_not_disabled:
            return "mail 不在 {0} 之中";
        case p::sendmail_path_empty:
            return "sendmail_path 为空，mail() 没有可以运行的程序";
        case p::sendmail_path_default:
            return "{0}（PHP 的默认值）";
        case p::too_complex:
            return "{0}：过于复杂，无法自动判断，请手动检查";
        case p::split_tilde:
            return "以 ~ 开头，shell 会将其展开";
        case p::split_single_quote:
            return "单引号没有闭合";
        case p::split_expansion_in_quotes:
            return "双引号内使用了 {0}";
        case p::split_double_quote:
            return "双引号没有闭合";
        case p::split_trailing_backslash:
            return "以反斜杠结尾";
        case p::split_shell_syntax:
            return "使用了 shell 语法“{0}”";
        case p::split_assignment:
            return "以变量赋值开头";
        case p::path_error:
            return "{0}：{1}";
        case p::not_regular_file:
            return "{0} 不是普通文件";
        case p::permissions:
            return "权限 {0}，所有者 {1}，属组 {2}；检查时的身份为 {3}";
        case p::not_executable:
            return "没有执行权限：权限 {0}，所有者 {1}，属组 {2}；检查时的身份为 {3}";
        case p::mta_unknown:
            return "sendmail_path 所指的程序不是 Exim、Postfix、msmtp 或 ssmtp，因此没有检查其邮件"
                   "服务";
        case p::postfix_running:
            return "正在运行";
        case p::postfix_needs_root:
            return "需要 root 权限；以 root 身份运行 smtp-probe php-mail 才能检查该服务";
        case p::postfix_not_running:
            return "Postfix 已停止：mail() 仍会成功，WHMCS 也不会记录错误，但邮件会留在 maildrop "
                   "队列中，直到 Postfix 启动（systemctl start postfix）才会发出";
        case p::postdrop_ok:
        case p::maildrop_ok:
            return "{0} 权限 {1}，属组 {2}";
        case p::postdrop_bad:
            return "{0} 权限 {1}，属组 {2}；应设置 setgid、属组为 {3}，并允许所有用户执行";
        case p::maildrop_bad:
            return "{0} 权限 {1}，属组 {2}；属组 {3} 应对其有写权限";
        case p::config_ok:
            return "{0} 可以读取";
        case p::config_missing:
            return "找不到可读取的 {0} 配置文件：{1}";
        case p::process_not_started:
            return "无法启动：{0}";
        case p::process_timed_out:
            return "{0} 毫秒内没有结果，已强制结束";
        case p::process_exit:
            return "退出码 {0}";
        case p::process_exit_output:
            return "退出码 {0}：{1}";
        case p::process_signal:
            return "被信号 {0} 终止";
        case p::process_signal_output:
            return "被信号 {0} 终止：{1}";
        case p::send_sent_php:
            return "mail() 返回 true：发往 {0} 的测试邮件已交给 sendmail 程序";
        case p::send_sent_sendmail:
            return "{1} 接收了发往 {0} 的测试邮件，退出码为 0";
        case p::send_not_sent:
            return "没有发送：检查项 {0} 未通过，mail() 也会因同样的原因失败";
        case p::send_php_false:
            return "mail() 返回 false";
        case p::send_php_disabled:
            return "PHP 中没有 mail() 函数：它已被禁用";
        case p::send_php_error:
            return "PHP 在 mail() 返回之前因错误中止";
        case p::send_sendmail_failed:
            return "{0} 没有接收测试邮件";
        case p::verdict_sent:
            return "PHP mail() 可用：sendmail 程序已接收发往 {0} 的测试邮件；请确认邮件确实送达（也"
                   "看看垃圾邮件文件夹）";
    }
    return "?";
}

}  // namespace smtp_probe::messages
