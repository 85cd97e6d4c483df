//! The digest as an email: a MIME message (multipart/alternative, plain text
//! and HTML), written as an `.eml` file or sent over SMTP.
//!
//! Sending talks to the server one step at a time (connect, STARTTLS, AUTH,
//! MAIL, RCPT for each recipient, DATA) so that a failure can say which step
//! failed and why. A refused recipient aborts the whole transaction: nobody
//! gets the message, so resending the saved `.eml` never sends it twice.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::ClientId;
use lettre::{Address, Message};

use crate::render::digest::DigestEmail;

/// How long to wait for the server at each step.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Environment variable holding the SMTP user name, when the URL has none.
pub const USERNAME_VAR: &str = "SEAM_SMTP_USERNAME";
/// Environment variable holding the SMTP password, when the URL has none.
pub const PASSWORD_VAR: &str = "SEAM_SMTP_PASSWORD";

/// Why a message could not be built or sent.
#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    /// An address that does not parse.
    #[error("`{address}` is not an email address: {why}")]
    Address {
        /// As written.
        address: String,
        /// The parser's reason.
        why: String,
    },
    /// The message could not be assembled.
    #[error("cannot build the message: {0}")]
    Build(String),
    /// The SMTP URL is not usable.
    #[error("the SMTP URL {url} {why}")]
    Url {
        /// The URL, without credentials.
        url: String,
        /// What is wrong.
        why: String,
    },
    /// The CA certificate file could not be read or parsed.
    #[error("cannot use the CA certificate {path}: {why}")]
    Certificate {
        /// The file.
        path: PathBuf,
        /// Why.
        why: String,
    },
    /// No connection could be made.
    #[error("could not connect to {server}: {why}")]
    Connect {
        /// `host:port`.
        server: String,
        /// Why.
        why: String,
    },
    /// The server does not offer STARTTLS and the URL requires it.
    #[error(
        "{server} does not offer STARTTLS, so the password and message would travel unencrypted"
    )]
    NoStartTls {
        /// `host:port`.
        server: String,
    },
    /// TLS failed (certificate, protocol).
    #[error("TLS with {server} failed: {why}")]
    Tls {
        /// `host:port`.
        server: String,
        /// Why.
        why: String,
    },
    /// The server offers no login Seam can use (PLAIN or LOGIN).
    #[error(
        "{server} does not offer a login Seam can use (PLAIN or LOGIN), but a user name is set"
    )]
    NoLogin {
        /// `host:port`.
        server: String,
    },
    /// The server rejected the credentials.
    #[error("{server} rejected the login for `{user}`: {why}")]
    Auth {
        /// `host:port`.
        server: String,
        /// The user name (never the password).
        user: String,
        /// The server's answer.
        why: String,
    },
    /// The server refused the sender.
    #[error("{server} refused the sender {address}: {why}")]
    Sender {
        /// `host:port`.
        server: String,
        /// The sender.
        address: String,
        /// The server's answer.
        why: String,
    },
    /// The server refused a recipient; nothing was sent to anyone.
    #[error("{server} refused the recipient {address}, so the message was sent to nobody: {why}")]
    Recipient {
        /// `host:port`.
        server: String,
        /// The refused recipient.
        address: String,
        /// The server's answer.
        why: String,
    },
    /// The server refused the message itself.
    #[error("{server} refused the message: {why}")]
    Message {
        /// `host:port`.
        server: String,
        /// The server's answer.
        why: String,
    },
}

impl EmailError {
    /// What to do about it, for the command line.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            EmailError::Connect { .. } => "check the host and port, and that the server is running and reachable from here".into(),
            EmailError::NoStartTls { .. } => "use smtps:// for a server that speaks TLS from the start, or add ?tls=none for a trusted relay on this network".into(),
            EmailError::Tls { .. } => "check the host name matches the server's certificate; for a private CA, set ca_file in [smtp] or SEAM_SMTP_CA_FILE".into(),
            EmailError::NoLogin { .. } => format!("if this server needs no login, unset {USERNAME_VAR} and remove the user from the URL; some servers offer a login only after STARTTLS"),
            EmailError::Auth { .. } => format!("check the user name and password in the URL or in {USERNAME_VAR} and {PASSWORD_VAR}"),
            EmailError::Sender { .. } => "use a From address the server lets you send as".into(),
            EmailError::Recipient { .. } => "fix or remove that address and resend the saved message".into(),
            _ => return None,
        })
    }
}

/// Who the digest is from and to.
#[derive(Clone, Debug)]
pub struct Addresses {
    /// The sender.
    pub from: Mailbox,
    /// The recipients, at least one.
    pub to: Vec<Mailbox>,
}

impl Addresses {
    /// Parses `Name <a@b>` or `a@b` forms.
    pub fn parse(from: &str, to: &[String]) -> Result<Addresses, EmailError> {
        let parse = |s: &str| {
            s.trim()
                .parse::<Mailbox>()
                .map_err(|e| EmailError::Address {
                    address: s.to_string(),
                    why: e.to_string(),
                })
        };
        Ok(Addresses {
            from: parse(from)?,
            to: to.iter().map(|t| parse(t)).collect::<Result<_, _>>()?,
        })
    }
}

/// The digest as a multipart/alternative message.
pub fn message(
    email: &DigestEmail,
    to: &Addresses,
    date: SystemTime,
) -> Result<Message, EmailError> {
    let mut builder = Message::builder()
        .from(to.from.clone())
        .subject(email.subject.clone())
        .date(date);
    for rcpt in &to.to {
        builder = builder.to(rcpt.clone());
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            email.text.clone(),
            email.html.clone(),
        ))
        .map_err(|e| EmailError::Build(e.to_string()))
}

/// A message with only a body, for previews without addresses: `From` and `To` are placeholders.
pub fn preview(email: &DigestEmail, date: SystemTime) -> Result<Message, EmailError> {
    let addresses = Addresses::parse(
        "Seam <digest@example.invalid>",
        &["readers@example.invalid".into()],
    )?;
    message(email, &addresses, date)
}

/// Writes a message as an `.eml` file: to a temporary file beside it, then renamed into place.
pub fn write_eml(path: &Path, message: &Message) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, &message.formatted())?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A file name for a message that could not be sent: `seam-digest-2026-W47.eml`,
/// or `…-2.eml` and so on when that exists, so an earlier one is never overwritten.
pub fn unsent_path(dir: &Path, week: &str) -> PathBuf {
    let first = dir.join(format!("seam-digest-{week}.eml"));
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|n| dir.join(format!("seam-digest-{week}-{n}.eml")))
        .find(|p| !p.exists())
        .expect("some numbered name is free")
}

/// A message that could not be sent, and where it was kept.
#[derive(Debug)]
pub struct Unsent {
    /// Why sending failed.
    pub error: EmailError,
    /// Where the message is saved, or why it could not be.
    pub saved: std::io::Result<PathBuf>,
}

/// Sends `message`; when that fails, keeps it: at `eml` when the caller
/// already wrote it there, else in a new `seam-digest-<week>.eml` in `dir`.
pub fn send_or_keep(
    server: &SmtpServer,
    addresses: &Addresses,
    message: &Message,
    eml: Option<&Path>,
    dir: &Path,
    week: &str,
) -> Result<(), Unsent> {
    server.send(addresses, message).map_err(|error| {
        let saved = match eml {
            Some(path) => Ok(path.to_path_buf()),
            None => {
                let path = unsent_path(dir, week);
                write_eml(&path, message).map(|()| path)
            }
        };
        Unsent { error, saved }
    })
}

/// How the connection is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (`smtps://`, port 465).
    Tls,
    /// Plain, upgraded with STARTTLS; `required` refuses servers without it.
    StartTls {
        /// Whether a server without STARTTLS is an error.
        required: bool,
    },
    /// No TLS at all (`?tls=none`), for a trusted relay.
    None,
}

/// An SMTP server to send through, from an `smtp://` or `smtps://` URL.
#[derive(Clone)]
pub struct SmtpServer {
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
    /// How the connection is secured.
    pub security: Security,
    /// User name and password, when the server wants a login.
    credentials: Option<(String, String)>,
    /// An extra CA certificate (PEM) to trust.
    pub ca_file: Option<PathBuf>,
}

impl std::fmt::Debug for SmtpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpServer")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.user())
            .finish()
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Undoes `%XX` escapes; invalid UTF-8 becomes U+FFFD.
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

impl SmtpServer {
    /// Parses `smtp://[user[:password]@]host[:port][?tls=required|opportunistic|none]`
    /// or `smtps://…`. User and password missing from the URL come from `env`
    /// ([`USERNAME_VAR`], [`PASSWORD_VAR`]).
    ///
    /// `smtps://` is TLS from the start (port 465). `smtp://` (port 587)
    /// requires STARTTLS, except on a loopback host, where it is used when
    /// offered; `?tls=` says otherwise.
    pub fn parse(
        url: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<SmtpServer, EmailError> {
        let bad = |why: &str| EmailError::Url {
            url: redact(url),
            why: why.to_string(),
        };
        let not_a_url = "is not a URL: write smtp://host:587 or smtps://host:465";
        // The scheme first, as written: `url` would accept any scheme, and
        // reports a missing host or a bad port before a wrong scheme.
        let (scheme, _) = url.split_once("://").ok_or_else(|| bad(not_a_url))?;
        let implicit = match scheme.to_ascii_lowercase().as_str() {
            "smtp" => false,
            "smtps" => true,
            _ => return Err(bad("must start with smtp:// or smtps://")),
        };
        let parsed = url::Url::parse(url).map_err(|e| {
            bad(match e {
                url::ParseError::EmptyHost => "has no host",
                url::ParseError::InvalidPort => "has a port that is not a number from 1 to 65535",
                url::ParseError::InvalidIpv6Address if !url.contains(']') => {
                    "has an unclosed [ in its host"
                }
                _ => not_a_url,
            })
        })?;
        // smtp and smtps are not special schemes to `url`: a name is kept as
        // written (an opaque host), and only [IPv6] literals are parsed.
        let host = match parsed.host() {
            Some(url::Host::Domain(name)) => name.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            None => String::new(),
        };
        if host.is_empty() {
            return Err(bad("has no host"));
        }
        let port = match parsed.port() {
            Some(0) => return Err(bad("has a port that is not a number from 1 to 65535")),
            Some(p) => p,
            None if implicit => 465,
            None => 587,
        };
        // Nothing may follow the server but slashes and the query.
        if !parsed.path().chars().all(|c| c == '/') || parsed.fragment().is_some() {
            return Err(bad(not_a_url));
        }
        let mut security = if implicit {
            Security::Tls
        } else {
            Security::StartTls {
                required: !is_loopback(&host),
            }
        };
        for pair in parsed
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
        {
            match pair.split_once('=') {
                Some(("tls", "required")) if !implicit => {
                    security = Security::StartTls { required: true }
                }
                Some(("tls", "opportunistic")) if !implicit => {
                    security = Security::StartTls { required: false }
                }
                Some(("tls", "none")) if !implicit => security = Security::None,
                Some(("tls", _)) if implicit => {
                    return Err(bad("uses smtps://, which is always TLS: remove ?tls="));
                }
                _ => {
                    return Err(bad(&format!(
                        "has an unknown option `{pair}`: the only one is tls=required, tls=opportunistic or tls=none"
                    )));
                }
            }
        }
        // `url` keeps user and password percent-encoded.
        let mut user = Some(percent_decode(parsed.username()));
        let mut password = parsed.password().map(percent_decode);
        if user.as_deref().is_none_or(str::is_empty) {
            user = env(USERNAME_VAR).filter(|u| !u.is_empty());
        }
        if password.is_none() {
            password = env(PASSWORD_VAR);
        }
        let credentials = match (user, password) {
            (Some(u), Some(p)) => Some((u, p)),
            (Some(_), None) => {
                return Err(bad(&format!(
                    "names a user but no password: set {PASSWORD_VAR}"
                )));
            }
            (None, _) => None,
        };
        Ok(SmtpServer {
            host,
            port,
            security,
            credentials,
            ca_file: None,
        })
    }

    /// `host:port`, for messages.
    pub fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The user name, if it logs in.
    pub fn user(&self) -> Option<&str> {
        self.credentials.as_ref().map(|(u, _)| u.as_str())
    }

    /// A description for `--dry-run`: where, how secured, as whom. Never the password.
    pub fn describe(&self) -> String {
        let how = match self.security {
            Security::Tls => "TLS",
            Security::StartTls { required: true } => "STARTTLS (required)",
            Security::StartTls { required: false } => "STARTTLS when offered",
            Security::None => "no TLS",
        };
        match self.user() {
            Some(u) => format!("{} with {how}, logging in as {u}", self.address()),
            None => format!("{} with {how}, without logging in", self.address()),
        }
    }

    fn tls_parameters(&self) -> Result<TlsParameters, EmailError> {
        let mut builder = TlsParameters::builder(self.host.clone());
        if let Some(path) = &self.ca_file {
            let pem = std::fs::read(path).map_err(|e| EmailError::Certificate {
                path: path.clone(),
                why: e.to_string(),
            })?;
            let cert = Certificate::from_pem(&pem).map_err(|e| EmailError::Certificate {
                path: path.clone(),
                why: e.to_string(),
            })?;
            builder = builder.add_root_certificate(cert);
        }
        builder.build_rustls().map_err(|e| EmailError::Tls {
            server: self.address(),
            why: e.to_string(),
        })
    }

    /// Sends `message` to every recipient, or to none.
    pub fn send(&self, addresses: &Addresses, message: &Message) -> Result<(), EmailError> {
        let server = self.address();
        let hello = ClientId::default();
        let tls = match self.security {
            Security::None => None,
            _ => Some(self.tls_parameters()?),
        };
        let connect_error = |e: lettre::transport::smtp::Error| {
            // With TLS from the first byte, a failed handshake arrives as a connection error.
            let text = reason(&e).to_lowercase();
            let handshake = self.security == Security::Tls
                && ["certificate", "tls", "handshake", "alert"]
                    .iter()
                    .any(|w| text.contains(w));
            if e.is_tls() || handshake {
                EmailError::Tls {
                    server: server.clone(),
                    why: reason(&e),
                }
            } else {
                EmailError::Connect {
                    server: server.clone(),
                    why: reason(&e),
                }
            }
        };
        let implicit = match self.security {
            Security::Tls => tls.as_ref(),
            _ => None,
        };
        let mut conn = SmtpConnection::connect(
            (self.host.as_str(), self.port),
            Some(TIMEOUT),
            &hello,
            implicit,
            None,
        )
        .map_err(connect_error)?;
        if let (Security::StartTls { required }, Some(tls)) = (self.security, tls.as_ref()) {
            if conn.can_starttls() {
                conn.starttls(tls, &hello).map_err(|e| EmailError::Tls {
                    server: server.clone(),
                    why: reason(&e),
                })?;
            } else if required {
                conn.abort();
                return Err(EmailError::NoStartTls { server });
            }
        }
        let result = self.transaction(&mut conn, addresses, message);
        match &result {
            Ok(()) => {
                let _ = conn.quit();
            }
            Err(_) => conn.abort(),
        }
        result
    }

    fn transaction(
        &self,
        conn: &mut SmtpConnection,
        addresses: &Addresses,
        message: &Message,
    ) -> Result<(), EmailError> {
        let server = self.address();
        if let Some((user, password)) = &self.credentials {
            let mechanisms = [Mechanism::Plain, Mechanism::Login];
            if conn.server_info().get_auth_mechanism(&mechanisms).is_none() {
                return Err(EmailError::NoLogin { server });
            }
            conn.auth(
                &mechanisms,
                &Credentials::new(user.clone(), password.clone()),
            )
            .map_err(|e| EmailError::Auth {
                server: server.clone(),
                user: user.clone(),
                why: reason(&e),
            })?;
        }
        let from: Address = addresses.from.email.clone();
        conn.command(Mail::new(Some(from.clone()), vec![]))
            .map_err(|e| EmailError::Sender {
                server: server.clone(),
                address: from.to_string(),
                why: reason(&e),
            })?;
        for rcpt in &addresses.to {
            conn.command(Rcpt::new(rcpt.email.clone(), vec![]))
                .map_err(|e| EmailError::Recipient {
                    server: server.clone(),
                    address: rcpt.email.to_string(),
                    why: reason(&e),
                })?;
        }
        let refused = |e: lettre::transport::smtp::Error| EmailError::Message {
            server: server.clone(),
            why: reason(&e),
        };
        conn.command(Data).map_err(refused)?;
        conn.message(&message.formatted()).map_err(refused)?;
        Ok(())
    }
}

/// The URL with any password replaced by `***`, for messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            let shown = if userinfo.contains(':') {
                format!("{user}:***")
            } else {
                user.to_string()
            };
            format!("{scheme}://{shown}@{host}{tail}")
        }
        None => url.to_string(),
    }
}

/// The server's answer or the I/O error behind a lettre error, without lettre's prefix.
fn reason(e: &lettre::transport::smtp::Error) -> String {
    let mut text = match std::error::Error::source(e) {
        Some(source) => source.to_string(),
        None => e.to_string(),
    };
    if let Some(code) = e.status() {
        text = format!("{code} {text}");
    }
    text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn smtp_urls() {
        let s = SmtpServer::parse("smtp://mail.example.com", &no_env).unwrap();
        assert_eq!((s.host.as_str(), s.port), ("mail.example.com", 587));
        assert_eq!(s.security, Security::StartTls { required: true });
        assert_eq!(s.user(), None);

        let s = SmtpServer::parse("smtps://bot%40example.com:p%3Ass@mail.example.com", &no_env)
            .unwrap();
        assert_eq!(s.port, 465);
        assert_eq!(s.security, Security::Tls);
        assert_eq!(s.user(), Some("bot@example.com"));
        assert_eq!(s.credentials.as_ref().unwrap().1, "p:ss");
        assert!(!format!("{s:?}").contains("p:ss"));
        assert!(!s.describe().contains("p:ss"));

        let s = SmtpServer::parse("smtp://127.0.0.1:2525", &no_env).unwrap();
        assert_eq!(s.security, Security::StartTls { required: false });
        let s = SmtpServer::parse("smtp://[::1]:2525?tls=none", &no_env).unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.security),
            ("::1", 2525, Security::None)
        );
        assert_eq!(s.address(), "[::1]:2525");
    }

    #[test]
    fn credentials_from_the_environment() {
        let env = |k: &str| match k {
            USERNAME_VAR => Some("ci-bot".to_string()),
            PASSWORD_VAR => Some("hunter2".to_string()),
            _ => None,
        };
        let s = SmtpServer::parse("smtp://mail.example.com", &env).unwrap();
        assert_eq!(s.user(), Some("ci-bot"));
        // The URL's user wins; the password still comes from the environment.
        let s = SmtpServer::parse("smtp://me@mail.example.com", &env).unwrap();
        assert_eq!(s.user(), Some("me"));
        assert_eq!(s.credentials.as_ref().unwrap().1, "hunter2");
        let e = SmtpServer::parse("smtp://me@mail.example.com", &no_env).unwrap_err();
        assert!(e.to_string().contains(PASSWORD_VAR), "{e}");
    }

    #[test]
    fn bad_urls_say_why_without_the_password() {
        for (url, why) in [
            ("mail.example.com", "is not a URL"),
            ("http://mail.example.com", "must start with smtp://"),
            ("smtp://:secret@", "has no host"),
            ("smtp://u:secret@mail.example.com:99999", "port"),
            ("smtp://mail.example.com?tls=maybe", "unknown option"),
            ("smtps://mail.example.com?tls=none", "always TLS"),
        ] {
            let e = SmtpServer::parse(url, &no_env).unwrap_err().to_string();
            assert!(e.contains(why), "{url}: {e}");
            assert!(!e.contains("secret"), "{url}: {e}");
        }
        assert_eq!(
            redact("smtps://me:secret@mail.example.com:465/?x"),
            "smtps://me:***@mail.example.com:465/?x"
        );
    }

    #[test]
    fn unsent_messages_never_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let first = unsent_path(dir.path(), "2026-W47");
        assert!(first.ends_with("seam-digest-2026-W47.eml"));
        std::fs::write(&first, "x").unwrap();
        assert!(unsent_path(dir.path(), "2026-W47").ends_with("seam-digest-2026-W47-2.eml"));
    }

    #[test]
    fn a_message_that_cannot_be_sent_is_kept() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let server = SmtpServer::parse(&format!("smtp://127.0.0.1:{port}"), &no_env).unwrap();
        let email = DigestEmail {
            subject: "S".into(),
            text: "T\n".into(),
            html: "<p>H</p>".into(),
        };
        let to = Addresses::parse("d@x.example", &["a@x.example".into()]).unwrap();
        let m = message(&email, &to, SystemTime::UNIX_EPOCH).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let unsent = send_or_keep(&server, &to, &m, None, dir.path(), "2026-W47").unwrap_err();
        assert!(
            matches!(unsent.error, EmailError::Connect { .. }),
            "{:?}",
            unsent.error
        );
        let saved = unsent.saved.unwrap();
        assert_eq!(std::fs::read(&saved).unwrap(), m.formatted());
        // With --eml the caller already wrote it: nothing else is written.
        let given = dir.path().join("given.eml");
        let unsent =
            send_or_keep(&server, &to, &m, Some(&given), dir.path(), "2026-W47").unwrap_err();
        assert_eq!(unsent.saved.unwrap(), given);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn the_message_has_both_parts() {
        let email = DigestEmail {
            subject: "Org weekly digest: week 47 (16–22 November 2026)".into(),
            text: "Plain text\n".into(),
            html: "<p>HTML</p>".into(),
        };
        let m = preview(&email, SystemTime::UNIX_EPOCH).unwrap();
        let raw = String::from_utf8(m.formatted()).unwrap();
        assert!(raw.contains("Content-Type: multipart/alternative"), "{raw}");
        assert!(
            raw.contains("Content-Type: text/plain; charset=utf-8"),
            "{raw}"
        );
        assert!(
            raw.contains("Content-Type: text/html; charset=utf-8"),
            "{raw}"
        );
        assert!(
            raw.contains("=?utf-8?b?"),
            "non-ASCII in the subject is encoded: {raw}"
        );
        assert!(Addresses::parse("not an address", &[]).is_err());
    }
}
