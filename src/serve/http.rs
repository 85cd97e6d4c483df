//! The HTTP/1.1 side of `seam serve`: one thread per connection (at most
//! [`MAX_CONNECTIONS`]), request heads read with `httparse`, GET and HEAD
//! only, and only for the host names the server was bound to ([`Hosts`]), so
//! a web page elsewhere cannot read the wiki through DNS rebinding.
//!
//! Pages come from the current [`super::Snapshot`]; `/__seam/events` is a
//! server-sent-events stream held open for as long as the page is. A
//! malformed request gets `400` and its connection is closed; nothing a
//! client sends stops the server. Idle connections time out, and each has
//! its own thread, so many of them never delay a new request.

use std::io::{BufWriter, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::{EVENTS_PATH, Live, PROBLEMS_PATH, SCRIPT_PATH};

/// The longest request head read (request line and headers).
const MAX_HEAD: usize = 16 * 1024;
/// The most headers a request may have.
const MAX_HEADERS: usize = 64;
/// How long a kept-alive connection may sit idle.
const IDLE: Duration = Duration::from_secs(30);
/// How often an event stream says it is still there.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// The most connections served at once; more are told to come back.
pub const MAX_CONNECTIONS: usize = 2048;

/// Why `seam serve` cannot listen.
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    /// Another program has the port.
    #[error("port {port} on {bind} is already in use (is another `seam serve` running?){}", suggest(*.free))]
    InUse {
        /// The address asked for.
        bind: String,
        /// The port asked for.
        port: u16,
        /// A free port nearby, if one was found.
        free: Option<u16>,
    },
    /// Anything else.
    #[error("cannot listen on {bind}:{port}: {source}")]
    Other {
        /// The address asked for.
        bind: String,
        /// The port asked for.
        port: u16,
        /// The cause.
        source: std::io::Error,
    },
}

fn suggest(free: Option<u16>) -> String {
    match free {
        Some(p) => format!("; try `--port {p}`"),
        None => "; choose another with `--port`".into(),
    }
}

/// Listens on `bind:port`; when the port is taken, finds a free one to suggest.
pub fn listen(bind: &str, port: u16) -> Result<TcpListener, ListenError> {
    match TcpListener::bind((bind, port)) {
        Ok(l) => Ok(l),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            let free = (port.saturating_add(1)..=port.saturating_add(20))
                .find(|p| TcpListener::bind((bind, *p)).is_ok());
            Err(ListenError::InUse {
                bind: bind.into(),
                port,
                free,
            })
        }
        Err(source) => Err(ListenError::Other {
            bind: bind.into(),
            port,
            source,
        }),
    }
}

/// The names a request's `Host` header may give: `localhost` (and its
/// subdomains), any IP address, and the address the server was bound to.
/// A page served from another name — one that an attacker's DNS points at
/// this machine — is refused.
#[derive(Clone, Debug)]
pub struct Hosts {
    bind: String,
}

impl Hosts {
    /// The names allowed for a server bound to `bind` (an address or a name).
    pub fn for_bind(bind: &str) -> Hosts {
        Hosts {
            bind: bind
                .trim_matches(|c| c == '[' || c == ']')
                .to_ascii_lowercase(),
        }
    }

    /// Whether a `Host` header value (`name`, `name:port`, `[v6]:port`) is allowed.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let name = match host.strip_prefix('[') {
            Some(rest) => match rest.split_once(']') {
                Some((v6, port)) if port.is_empty() || port.starts_with(':') => v6.to_string(),
                _ => return false,
            },
            None => match host.rsplit_once(':') {
                Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name.to_string(),
                Some(_) => return false,
                None => host.clone(),
            },
        };
        let name = name.trim_end_matches('.');
        name.parse::<std::net::IpAddr>().is_ok()
            || name == "localhost"
            || name.ends_with(".localhost")
            || name == self.bind.trim_end_matches('.')
    }
}

/// Answers connections on `listener` until the process ends.
pub fn serve(listener: TcpListener, live: Arc<Live>, hosts: Hosts) {
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        if open.load(Ordering::Relaxed) >= MAX_CONNECTIONS {
            let mut stream = stream;
            let _ = respond(
                &mut stream,
                503,
                "text/plain; charset=utf-8",
                b"busy",
                true,
                &[],
            );
            continue;
        }
        open.fetch_add(1, Ordering::Relaxed);
        let live = live.clone();
        let open = open.clone();
        let hosts = hosts.clone();
        let spawned = std::thread::Builder::new()
            .name("seam-http".into())
            .spawn(move || {
                connection(stream, &live, &hosts);
                open.fetch_sub(1, Ordering::Relaxed);
            });
        if spawned.is_err() {
            // Out of threads: the connection is dropped and the server goes on.
            continue;
        }
    }
}

/// One parsed request head.
struct Head {
    method: String,
    target: String,
    /// The `Host` header; `None` without one.
    host: Option<String>,
    /// HTTP/1.1 (which requires a `Host`) rather than 1.0.
    http11: bool,
    close: bool,
    body: usize,
}

/// What reading a request head gave.
enum Parsed {
    Request(Head, usize),
    Bad(&'static str),
    Closed,
}

/// Serves one connection: requests one after another until it closes, idles or misbehaves.
fn connection(mut stream: TcpStream, live: &Live, hosts: &Hosts) {
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_nodelay(true);
    let mut buf: Vec<u8> = Vec::with_capacity(1024);
    loop {
        let (head, used) = match read_head(&mut stream, &mut buf) {
            Parsed::Request(head, used) => (head, used),
            Parsed::Bad(why) => {
                let _ = respond(
                    &mut stream,
                    400,
                    "text/plain; charset=utf-8",
                    why.as_bytes(),
                    true,
                    &[],
                );
                return;
            }
            Parsed::Closed => return,
        };
        buf.drain(..used);
        // A body on a GET is read and dropped, so the next request starts where it should.
        let mut body = head.body;
        while body > 0 {
            if buf.is_empty() && fill(&mut stream, &mut buf).is_none() {
                return;
            }
            let n = body.min(buf.len());
            buf.drain(..n);
            body -= n;
        }
        let keep = match answer(&mut stream, live, hosts, &head) {
            Ok(keep) => keep,
            Err(_) => return,
        };
        if head.close || !keep {
            return;
        }
    }
}

/// Reads more bytes into `buf`; `None` when the connection closed or timed out.
fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<usize> {
    let mut chunk = [0u8; 4096];
    match stream.read(&mut chunk) {
        Ok(0) | Err(_) => None,
        Ok(n) => {
            buf.extend_from_slice(&chunk[..n]);
            Some(n)
        }
    }
}

/// Reads until a whole request head is in `buf`, and parses it.
fn read_head(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Parsed {
    loop {
        if !buf.is_empty() {
            let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut request = httparse::Request::new(&mut headers);
            match request.parse(buf) {
                Ok(httparse::Status::Complete(used)) => {
                    return match head_of(&request) {
                        Ok(head) => Parsed::Request(head, used),
                        Err(why) => Parsed::Bad(why),
                    };
                }
                Ok(httparse::Status::Partial) => {}
                Err(httparse::Error::TooManyHeaders) => return Parsed::Bad("too many headers\n"),
                Err(_) => return Parsed::Bad("malformed request\n"),
            }
            if buf.len() > MAX_HEAD {
                return Parsed::Bad("request head too large\n");
            }
        }
        if fill(stream, buf).is_none() {
            return Parsed::Closed;
        }
    }
}

/// The parts of a request this server uses, or why it is refused.
fn head_of(request: &httparse::Request) -> Result<Head, &'static str> {
    let method = request.method.ok_or("no method\n")?.to_string();
    let target = request.path.ok_or("no request target\n")?.to_string();
    let version = request.version.ok_or("no HTTP version\n")?;
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_ascii_lowercase())
    };
    if header("transfer-encoding").is_some() {
        return Err("request bodies with Transfer-Encoding are not accepted\n");
    }
    let body = match header("content-length") {
        Some(n) => n
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= 1 << 20)
            .ok_or("bad Content-Length\n")?,
        None => 0,
    };
    let connection = header("connection").unwrap_or_default();
    let close =
        connection.contains("close") || (version == 0 && !connection.contains("keep-alive"));
    Ok(Head {
        method,
        target,
        host: header("host"),
        http11: version == 1,
        close,
        body,
    })
}

/// Answers one request; says whether the connection may carry another.
fn answer(
    stream: &mut TcpStream,
    live: &Live,
    hosts: &Hosts,
    head: &Head,
) -> std::io::Result<bool> {
    match &head.host {
        None if head.http11 => {
            respond(
                stream,
                400,
                "text/plain; charset=utf-8",
                b"an HTTP/1.1 request needs a Host header\n",
                true,
                &[],
            )?;
            return Ok(false);
        }
        Some(host) if !hosts.allows(host) => {
            respond(
                stream,
                403,
                "text/plain; charset=utf-8",
                b"seam serve answers only to localhost, IP addresses and the --bind name; \
                  open the address it printed, or pass that name as --bind\n",
                true,
                &[],
            )?;
            return Ok(false);
        }
        _ => {}
    }
    let head_only = match head.method.as_str() {
        "GET" => false,
        "HEAD" => true,
        _ => {
            respond(
                stream,
                405,
                "text/plain; charset=utf-8",
                b"only GET and HEAD are answered\n",
                false,
                &[("Allow", "GET, HEAD")],
            )?;
            return Ok(true);
        }
    };
    if !head.target.starts_with('/') {
        respond(
            stream,
            400,
            "text/plain; charset=utf-8",
            b"the request target must be a path\n",
            false,
            &[],
        )?;
        return Ok(false);
    }
    let path = head.target.split('?').next().unwrap_or("");
    let snapshot = live.snapshot();
    let answer = match path {
        EVENTS_PATH if !head_only => {
            events(stream, live)?;
            return Ok(false);
        }
        SCRIPT_PATH => super::Answer {
            status: 200,
            content_type: "text/javascript; charset=utf-8",
            policy: crate::render::PAGE_POLICY,
            body: super::LIVE_SCRIPT.as_bytes().to_vec(),
        },
        PROBLEMS_PATH => super::Answer {
            status: 200,
            content_type: "application/json",
            policy: crate::render::PAGE_POLICY,
            body: snapshot.overlay_json().as_bytes().to_vec(),
        },
        _ => snapshot.get(&head.target),
    };
    let extra = [
        ("Cache-Control", "no-store"),
        ("Content-Security-Policy", answer.policy),
        // A file is what its Content-Type says, never sniffed into HTML.
        ("X-Content-Type-Options", "nosniff"),
    ];
    let (status, content_type, body) = (answer.status, answer.content_type, answer.body);
    if head_only {
        write_head(stream, status, content_type, body.len(), false, &extra)?;
        stream.flush()?;
    } else {
        respond(stream, status, content_type, &body, false, &extra)?;
    }
    Ok(true)
}

/// Holds an event stream open, writing each published event until the page goes away.
fn events(stream: &mut TcpStream, live: &Live) -> std::io::Result<()> {
    let events = live.listen();
    let mut out = BufWriter::new(stream.try_clone()?);
    write!(
        out,
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 300\n\n"
    )?;
    out.flush()?;
    loop {
        match events.recv_timeout(KEEP_ALIVE) {
            Ok(event) => out.write_all(event.to_sse().as_bytes())?,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                out.write_all(b": still here\n\n")?
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
        }
        out.flush()?;
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        403 => "Forbidden",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "",
    }
}

fn write_head(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    length: usize,
    close: bool,
    extra: &[(&str, &str)],
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n",
        reason(status)
    );
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    close: bool,
    extra: &[(&str, &str)],
) -> std::io::Result<()> {
    write_head(stream, status, content_type, body.len(), close, extra)?;
    stream.write_all(body)?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::Hosts;

    #[test]
    fn only_local_names_addresses_and_the_bind_name_are_answered() {
        let local = Hosts::for_bind("127.0.0.1");
        for ok in [
            "localhost",
            "localhost:1111",
            "LOCALHOST.:1111",
            "docs.localhost:1111",
            "127.0.0.1:1111",
            "192.168.1.20",
            "[::1]:1111",
            "[::1]",
        ] {
            assert!(local.allows(ok), "{ok}");
        }
        for refused in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "[::1]x",
            "localhost:port",
            "",
        ] {
            assert!(!local.allows(refused), "{refused}");
        }
        let named = Hosts::for_bind("docs-box.lan");
        assert!(named.allows("Docs-Box.lan:1111"));
        assert!(!named.allows("other.lan:1111"));
    }
}
