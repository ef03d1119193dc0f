//! `gen serve`: the editors' preview. The site is built into memory
//! ([`preview`]), never into `public/`; served over HTTP on loopback
//! ([`Server`], [`http`]); rebuilt when an input changes ([`watch`]); and open
//! pages reload through server-sent events ([`live`]), one stream for all of
//! them held by a shared worker ([`http::LIVE_WORKER`]). While the build has
//! errors, pages show them, as the command line does.

pub mod http;
pub mod live;
pub mod memory;
pub mod preview;
pub mod watch;

use std::io::{self, Cursor, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, ToSocketAddrs};
use std::sync::{Arc, PoisonError, RwLock};

use tiny_http::{Header, Method, Request, Response, StatusCode};

use crate::diagnostics::Diagnostic;
use http::Route;
use live::Live;
use memory::Files;

/// HTTP worker threads (page loads fetch several files at once).
const WORKERS: usize = 4;

/// What the server serves: one finished build.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The built files.
    pub files: Arc<Files>,
    /// The page shown instead of HTML pages while the build has errors.
    pub failure: Option<String>,
    /// Where the site is mounted (`/`, or `base_url`'s path).
    pub mount: String,
    /// The build number, which open pages compare with the server's.
    pub generation: u64,
}

impl Snapshot {
    /// What to serve for the current state of `preview`, as build
    /// `generation`; the error page's diagnostics go through `shown`, which
    /// names the files as the terminal does.
    pub fn of(
        preview: &preview::Preview,
        generation: u64,
        shown: impl Fn(Diagnostic) -> Diagnostic,
    ) -> Snapshot {
        let failure = preview.has_errors().then(|| {
            let diagnostics: Vec<Diagnostic> =
                preview.diagnostics().into_iter().map(shown).collect();
            let summary = format!("Build failed: {}.", crate::Error::Site(diagnostics.clone()));
            http::error_page(&diagnostics, &summary, generation)
        });
        Snapshot {
            files: preview.files(),
            failure,
            mount: preview.mount().to_string(),
            generation,
        }
    }
}

/// The number of a server's first build: the time it starts, in
/// milliseconds since 1970. Open pages compare build numbers, and a page left
/// open while `gen serve` is restarted must see another number and reload;
/// counting from 1 in every run gave the new server's first build the number
/// the page already had. A server's rebuilds (each waits at least
/// [`watch::DEBOUNCE`]) never count past the time, so the next run starts
/// above them.
pub fn first_generation() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|since| u64::try_from(since.as_millis()).ok())
        .unwrap_or(1)
}

struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    live: Live,
}

/// A running preview server.
pub struct Server {
    shared: Arc<Shared>,
    address: SocketAddr,
}

/// Opens the listening socket, so that a port in use is reported before
/// anything is built. `interface` is an IP address or a host name.
pub fn bind(interface: &str, port: u16) -> Result<TcpListener, Diagnostic> {
    if interface.trim().is_empty() {
        return Err(Diagnostic::error("--interface is empty")
            .help("give --interface an IP address or a host name, e.g. 127.0.0.1"));
    }
    let ip = ip_address(interface);
    // As in a URL: an IPv6 address in brackets before the port.
    let shown = match ip {
        Some(IpAddr::V6(v6)) => format!("[{v6}]:{port}"),
        _ => format!("{interface}:{port}"),
    };
    let addresses: Vec<SocketAddr> = match ip {
        Some(ip) => vec![SocketAddr::new(ip, port)],
        None => (interface, port)
            .to_socket_addrs()
            .map(Iterator::collect)
            .map_err(|e| {
                Diagnostic::error(format!("cannot serve on {shown}: {e}"))
                    .help("give --interface an IP address, e.g. 127.0.0.1, or a host name this machine can look up")
            })?,
    };
    let mut last = None;
    for address in &addresses {
        match TcpListener::bind(address) {
            Ok(listener) => return Ok(listener),
            Err(err) => last = Some(err),
        }
    }
    let err = last.unwrap_or_else(|| io::Error::other("no address"));
    Err(match err.kind() {
        io::ErrorKind::AddrInUse => Diagnostic::error(format!(
            "cannot serve on {shown}: the port is in use"
        ))
        .help(format!(
            "stop the program that uses it, or choose another port, e.g. `--port {}` (`--port 0` picks a free one)",
            port.wrapping_add(1).max(1024)
        )),
        io::ErrorKind::PermissionDenied => {
            Diagnostic::error(format!("cannot serve on {shown}: permission denied"))
                .help("ports below 1024 need special rights; choose a port such as 1111")
        }
        _ => Diagnostic::error(format!("cannot serve on {shown}: {err}"))
            .help("check --interface (an address of this machine, e.g. 127.0.0.1) and --port"),
    })
}

/// `interface` as an IP address, an IPv6 one also in the brackets of a URL
/// (`[::1]`); `None` for a host name.
fn ip_address(interface: &str) -> Option<IpAddr> {
    let bare = interface
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .unwrap_or(interface);
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(_)) if bare != interface => None,
        parsed => parsed.ok(),
    }
}

impl Server {
    /// Starts serving `snapshot` on `listener` with worker threads.
    pub fn start(listener: TcpListener, snapshot: Snapshot) -> Result<Server, Diagnostic> {
        let address = listener
            .local_addr()
            .map_err(|e| Diagnostic::error(format!("cannot start the server: {e}")))?;
        let live = Live::new();
        live.publish(snapshot.generation);
        let http = tiny_http::Server::from_listener(listener, None)
            .map_err(|e| Diagnostic::error(format!("cannot start the server: {e}")))?;
        let http = Arc::new(http);
        let shared = Arc::new(Shared {
            snapshot: RwLock::new(Arc::new(snapshot)),
            live,
        });
        for n in 0..WORKERS {
            let http = Arc::clone(&http);
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name(format!("gen-http-{n}"))
                .spawn(move || {
                    loop {
                        match http.recv() {
                            Ok(request) => handle(request, &shared),
                            // A failed accept (e.g. too many open files):
                            // keep serving once it passes.
                            Err(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
                        }
                    }
                })
                .map_err(|e| Diagnostic::error(format!("cannot start the server: {e}")))?;
        }
        Ok(Server { shared, address })
    }

    /// The address listened on (with the port picked when asked for port 0).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The site's address for a browser.
    pub fn url(&self) -> String {
        let mut address = self.address;
        if address.ip().is_unspecified() {
            address.set_ip(match address.ip() {
                IpAddr::V4(_) => IpAddr::from([127, 0, 0, 1]),
                IpAddr::V6(_) => IpAddr::from([0, 0, 0, 0, 0, 0, 0, 1]),
            });
        }
        let mount = self.snapshot().mount.clone();
        format!("http://{address}{mount}")
    }

    /// The build being served.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(
            &self
                .shared
                .snapshot
                .read()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// The number the next build should carry.
    pub fn next_generation(&self) -> u64 {
        self.snapshot().generation + 1
    }

    /// Serves a new build and tells open pages to reload.
    pub fn publish(&self, snapshot: Snapshot) {
        let generation = snapshot.generation;
        *self
            .shared
            .snapshot
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(snapshot);
        self.shared.live.publish(generation);
    }
}

fn handle(request: Request, shared: &Arc<Shared>) {
    let target = request.url().to_string();
    if !matches!(request.method(), Method::Get | Method::Head) {
        let response = with_header(
            text(405, "Only GET and HEAD are served.\n"),
            "Allow",
            "GET, HEAD",
        );
        let _ = request.respond(response);
        return;
    }
    if target.split('?').next() == Some(http::EVENTS_PATH) {
        if request.method() == &Method::Head {
            // The headers of the stream, and no stream.
            let _ = request.respond(reply(200, "text/event-stream", Vec::new()));
            return;
        }
        let shared = Arc::clone(shared);
        let _ = std::thread::Builder::new()
            .name("gen-events".into())
            .spawn(move || {
                let mut out = request.into_writer();
                let _ = shared.live.stream(&mut *out);
                let _ = out.flush();
            });
        return;
    }
    if target.split('?').next() == Some(http::WORKER_PATH) {
        let script = http::LIVE_WORKER.as_bytes().to_vec();
        let _ = request.respond(reply(200, "text/javascript; charset=utf-8", script));
        return;
    }
    let snapshot = Arc::clone(
        &shared
            .snapshot
            .read()
            .unwrap_or_else(PoisonError::into_inner),
    );
    let files = &snapshot.files;
    let route = http::route(&target, &snapshot.mount, |p| files.contains_key(p));
    let response = match route {
        Route::File(path) if path.ends_with(".html") && snapshot.failure.is_some() => {
            failure(&snapshot)
        }
        Route::File(path) => match files.get(&path) {
            Some(bytes) => file(&path, bytes, snapshot.generation, 200),
            None => not_found(&snapshot),
        },
        Route::Redirect(location) => with_header(
            text(301, &format!("Moved to {location}\n")),
            "Location",
            &location,
        ),
        Route::NotFound if snapshot.failure.is_some() => failure(&snapshot),
        Route::NotFound => not_found(&snapshot),
        Route::Forbidden => text(
            403,
            "Refused: the path leaves the site (`..`, a backslash or a NUL).\n",
        ),
        Route::BadRequest => text(400, "Bad request: the path does not decode.\n"),
    };
    let _ = request.respond(response);
}

type Reply = Response<Cursor<Vec<u8>>>;

/// Adds a header. Every name and value here is ASCII (a `Location` is
/// percent-encoded), which always parses; one that did not would be left out.
fn with_header(response: Reply, name: &str, value: &str) -> Reply {
    match Header::from_bytes(name.as_bytes(), value.as_bytes()) {
        Ok(header) => response.with_header(header),
        Err(()) => response,
    }
}

fn reply(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
    let response = Response::from_data(body).with_status_code(StatusCode(status));
    let response = with_header(response, "Content-Type", content_type);
    let response = with_header(response, "Cache-Control", "no-store");
    with_header(response, "X-Content-Type-Options", "nosniff")
}

fn text(status: u16, body: &str) -> Reply {
    reply(
        status,
        "text/plain; charset=utf-8",
        body.as_bytes().to_vec(),
    )
}

fn file(path: &str, bytes: &[u8], generation: u64, status: u16) -> Reply {
    let content_type = http::content_type(path);
    let body = if path.ends_with(".html") {
        http::inject(bytes, generation)
    } else {
        bytes.to_vec()
    };
    reply(status, content_type, body)
}

fn not_found(snapshot: &Snapshot) -> Reply {
    match snapshot.files.get("404.html") {
        Some(page) => file("404.html", page, snapshot.generation, 404),
        None => text(404, "Not found.\n"),
    }
}

fn failure(snapshot: &Snapshot) -> Reply {
    let page = snapshot.failure.clone().unwrap_or_default();
    reply(500, "text/html; charset=utf-8", page.into_bytes())
}

/// Opens `url` in the default browser, without waiting for it.
pub fn open_browser(
    url: &str,
    report: impl FnOnce(Diagnostic) + Send + 'static,
) -> Result<(), Diagnostic> {
    let (program, mut command) = if cfg!(target_os = "macos") {
        ("open", std::process::Command::new("open"))
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        ("start", c)
    } else {
        ("xdg-open", std::process::Command::new("xdg-open"))
    };
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = command.spawn().map_err(|e| {
        Diagnostic::warning(format!("cannot open a browser: {e}"))
            .help(format!("open {url} yourself"))
    })?;
    // The opener says whether it found a browser only when it exits.
    let url = url.to_string();
    std::thread::spawn(move || {
        let failed = match child.wait() {
            Ok(status) if status.success() => return,
            Ok(status) => status.to_string(),
            Err(e) => e.to_string(),
        };
        report(
            Diagnostic::warning(format!(
                "cannot open a browser: `{program}` failed ({failed})"
            ))
            .help(format!("open {url} yourself")),
        );
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    #[test]
    fn bind_errors_name_the_address_as_a_url_writes_it() {
        let empty = bind("  ", 1111).err().map(|d| d.message);
        assert_eq!(empty.as_deref(), Some("--interface is empty"));
        // An IPv6 address in brackets before its port. The address is one
        // no machine has (documentation prefix), so binding fails.
        let v6 = bind("2001:db8::1", 1111).err().map(|d| d.message);
        assert!(
            v6.as_deref()
                .is_some_and(|m| m.starts_with("cannot serve on [2001:db8::1]:1111: ")),
            "{v6:?}"
        );
        let v4 = bind("192.0.2.1", 1111).err().map(|d| d.message);
        assert!(
            v4.as_deref()
                .is_some_and(|m| m.starts_with("cannot serve on 192.0.2.1:1111: ")),
            "{v4:?}"
        );
    }

    #[test]
    fn an_interface_is_an_address_with_or_without_brackets_or_a_host_name() {
        assert_eq!(ip_address("::1"), Some(IpAddr::V6(Ipv6Addr::LOCALHOST)));
        assert_eq!(ip_address("[::1]"), Some(IpAddr::V6(Ipv6Addr::LOCALHOST)));
        assert_eq!(
            ip_address("127.0.0.1"),
            Some(IpAddr::V4(Ipv4Addr::LOCALHOST))
        );
        // Brackets are for IPv6 only, as in a URL.
        assert_eq!(ip_address("[127.0.0.1]"), None);
        assert_eq!(ip_address("localhost"), None);
        assert_eq!(ip_address("[::1"), None);
    }
}
