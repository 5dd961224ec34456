<?php
// Sends one message with Debian's PHPMailer, configured the way WHMCS configures it, and prints
// one JSON object: {"ok", "message", "smtp_error", "dialogue", "version"}.
//
//   php phpmailer_send.php --host IP --port N --ssl-type none|ssl|tls --from ADDR --rcpt ADDR
//       [--user U] [--cafile CA] [--peer-name NAME] [--timelimit S] [--body-bytes N]
//
// The password comes from the environment variable PHPMAILER_PASSWORD (never argv). --peer-name
// is the host name the certificate is checked against: the lab's names live in its own DNS
// server, which PHP's resolver does not ask, so the script connects to the address instead.

use PHPMailer\PHPMailer\PHPMailer;
use PHPMailer\PHPMailer\SMTP;
use PHPMailer\PHPMailer\Exception;

require '/usr/share/php/libphp-phpmailer/autoload.php';

$opt = getopt('', ['host:', 'port:', 'ssl-type:', 'from:', 'rcpt:', 'user:', 'cafile:',
                   'peer-name:', 'timelimit:', 'body-bytes:']);
foreach (['host', 'port', 'ssl-type', 'from', 'rcpt'] as $required) {
    if (!isset($opt[$required])) {
        fwrite(STDERR, "phpmailer_send.php: --$required is required\n");
        exit(3);
    }
}
// WHMCS's "SMTP SSL Type": None, SSL (implicit TLS) and TLS (STARTTLS).
$secure = ['none' => '', 'ssl' => 'ssl', 'tls' => 'tls'][$opt['ssl-type']] ?? null;
if ($secure === null) {
    fwrite(STDERR, "phpmailer_send.php: --ssl-type must be none, ssl or tls\n");
    exit(3);
}
$password = getenv('PHPMAILER_PASSWORD');
$password = $password === false ? '' : $password;
$user = $opt['user'] ?? '';

// The dialogue, with every client line of an AUTH exchange replaced: the exchange runs from the
// AUTH command until the server answers with something other than 334 (RFC 4954 section 4).
$dialogue = [];
$in_auth = false;
$secrets = array_filter([$password, base64_encode($password),
                         base64_encode("\0" . $user . "\0" . $password)], 'strlen');
$debug = function ($line, $level) use (&$dialogue, &$in_auth, $secrets) {
    $line = rtrim($line, "\r\n");
    if (strncmp($line, 'CLIENT -> SERVER: ', 18) === 0) {
        $sent = substr($line, 18);
        if (preg_match('/^AUTH\s+(\S+)/i', $sent, $m)) {
            $in_auth = true;
            $inline = count(preg_split('/\s+/', trim($sent))) > 2;  // an initial response
            $line = 'CLIENT -> SERVER: AUTH ' . $m[1] . ($inline ? ' <redacted>' : '');
        } elseif ($in_auth) {
            $line = 'CLIENT -> SERVER: <redacted>';
        }
    } elseif (strncmp($line, 'SERVER -> CLIENT: ', 18) === 0 && $in_auth) {
        $in_auth = strncmp(substr($line, 18), '334', 3) === 0;
    }
    foreach ($secrets as $secret) {
        $line = str_replace($secret, '<redacted>', $line);
    }
    $dialogue[] = $line;
};

$mail = new PHPMailer(true);
$result = ['ok' => false, 'message' => null, 'smtp_error' => null, 'version' => PHPMailer::VERSION];
try {
    $mail->isSMTP();
    $mail->Host = $opt['host'];
    $mail->Port = (int) $opt['port'];
    $mail->SMTPSecure = $secure;  // SMTPAutoTLS stays at its default (true)
    if ($user !== '') {
        $mail->SMTPAuth = true;
        $mail->Username = $user;
        $mail->Password = $password;
    }
    $ssl = ['cafile' => $opt['cafile'] ?? ''];  // verify_peer and verify_peer_name stay on
    if (isset($opt['peer-name'])) {
        $ssl['peer_name'] = $opt['peer-name'];
    }
    $mail->SMTPOptions = ['ssl' => array_filter($ssl, 'strlen')];
    // A server that never answers would otherwise hold each read for 300 s (SMTP::$Timelimit).
    $mail->getSMTPInstance()->Timelimit = (int) ($opt['timelimit'] ?? 10);
    $mail->SMTPDebug = SMTP::DEBUG_CONNECTION;
    $mail->Debugoutput = $debug;
    $mail->setFrom($opt['from']);
    $mail->addAddress($opt['rcpt']);
    $mail->Subject = 'smtp-probe lab: PHPMailer beside the probe';
    $body = "This message was sent by the smtp-probe integration test; the lab discards it.\n";
    $bytes = (int) ($opt['body-bytes'] ?? 0);
    if ($bytes > strlen($body)) {
        // Base64 lines, the shape of an attached invoice PDF, up to the size asked for.
        $body .= chunk_split(base64_encode(str_repeat("\x25PDF", intdiv($bytes * 3, 16))), 76, "\n");
    }
    $mail->Body = $body;
    $mail->send();
    $result['ok'] = true;
} catch (Exception $e) {
    $result['message'] = $e->getMessage();
    $smtp = $mail->getSMTPInstance();
    $result['smtp_error'] = $smtp ? $smtp->getError() : null;
}
foreach ($secrets as $secret) {
    if ($result['message'] !== null) {
        $result['message'] = str_replace($secret, '<redacted>', $result['message']);
    }
}
$result['dialogue'] = $dialogue;
echo json_encode($result, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE), "\n";
