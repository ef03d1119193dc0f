//! HTTP for `gen serve`: request paths mapped onto the built files (and
//! nothing else), content types, the live-reload script and the error page.
//! Pure functions, so that every rule is unit-tested.

use crate::diagnostics::Diagnostic;

/// The server-sent-events endpoint that open pages listen on.
pub const EVENTS_PATH: &str = "/__gen/events";

/// The shared worker that holds one connection to [`EVENTS_PATH`] for every
/// open page of the site.
pub const WORKER_PATH: &str = "/__gen/live.js";

/// The script served at [`WORKER_PATH`]. A browser opens at most six
/// HTTP/1.1 connections to one host, and an event stream holds one for as
/// long as its page is open: with a stream per page, the seventh tab of the
/// preview never loaded. The pages of one browser share this worker, and so
/// one stream; it passes each build number to every page, and the last one
/// to a page that connects after it came.
pub const LIVE_WORKER: &str = "var ports=[],last=null;\
var events=new EventSource(\"/__gen/events\");\
events.onmessage=function(e){last=e.data;ports.forEach(function(p){p.postMessage(last);});};\
onconnect=function(e){var port=e.ports[0];ports.push(port);if(last!==null){port.postMessage(last);}};\n";

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// A built file, by its site path (`stretches/x/index.html`).
    File(String),
    /// A folder asked for without its trailing slash: redirect here, so that
    /// the page's relative links resolve.
    Redirect(String),
    /// Nothing the build made.
    NotFound,
    /// A path with a `..` segment (plain or percent-encoded), a backslash or a
    /// NUL: refused.
    Forbidden,
    /// A path that does not decode (bad `%` escape, not UTF-8).
    BadRequest,
}

/// Maps a request target (`/stretches/x/?q#f`) onto the built files.
///
/// `mount` is where the site is served (`/`, or the path of `base_url` such as
/// `/back/`); `exists` says whether the build made a site path. The path is
/// percent-decoded first, so `%2e%2e` and `..%2f` are `..` too; any `..`
/// segment is refused rather than resolved, so no request can name a file
/// outside the build. `/x/` means `/x/index.html`.
pub fn route(target: &str, mount: &str, exists: impl Fn(&str) -> bool) -> Route {
    match route_path(target, mount, exists) {
        // A redirect keeps the query (`/stretches?x=1` → `/stretches/?x=1`),
        // when it is plain visible ASCII, as a header value must be.
        Route::Redirect(mut location) => {
            let query = target.split('#').next().and_then(|t| t.split_once('?'));
            if let Some((_, query)) =
                query.filter(|(_, q)| !q.is_empty() && q.bytes().all(|b| b.is_ascii_graphic()))
            {
                location.push('?');
                location.push_str(query);
            }
            Route::Redirect(location)
        }
        other => other,
    }
}

/// The path of a request target: the target itself (`/a/b`), or the path
/// of one in absolute form (`http://host:1111/a/b`), which HTTP/1.1 servers
/// must accept (RFC 9112, 3.2.2); `/` when it names no path. The host is
/// not looked at: only the built files are ever served.
fn origin_form(target: &str) -> &str {
    let lower = target.get(..8).unwrap_or(target).to_ascii_lowercase();
    let Some(scheme) = ["http://", "https://"]
        .into_iter()
        .find(|scheme| lower.starts_with(scheme))
    else {
        return target;
    };
    let rest = &target[scheme.len()..];
    match rest.find(['/', '?', '#']) {
        Some(at) if rest[at..].starts_with('/') => &rest[at..],
        _ => "/",
    }
}

/// [`route`] without the query.
fn route_path(target: &str, mount: &str, exists: impl Fn(&str) -> bool) -> Route {
    let target = origin_form(target);
    let raw = target.split(['?', '#']).next().unwrap_or("");
    if !raw.starts_with('/') {
        return Route::BadRequest;
    }
    let Some(decoded) = percent_decode(raw) else {
        return Route::BadRequest;
    };
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Route::Forbidden,
            s if s.contains('\\') || s.contains('\0') => return Route::Forbidden,
            s => segments.push(s),
        }
    }
    let mount_segments: Vec<&str> = mount.split('/').filter(|s| !s.is_empty()).collect();
    if !segments.starts_with(&mount_segments) {
        return if mount_segments.starts_with(&segments) {
            Route::Redirect(mount_url(&mount_segments, &[]))
        } else {
            Route::NotFound
        };
    }
    let inside = &segments[mount_segments.len()..];
    let folder = decoded.ends_with('/') || inside.is_empty();
    if inside.is_empty() && !decoded.ends_with('/') && !mount_segments.is_empty() {
        return Route::Redirect(mount_url(&mount_segments, &[]));
    }
    let path = inside.join("/");
    if folder {
        let index = if path.is_empty() {
            "index.html".to_string()
        } else {
            format!("{path}/index.html")
        };
        return if exists(&index) {
            Route::File(index)
        } else {
            Route::NotFound
        };
    }
    if exists(&path) {
        Route::File(path)
    } else if exists(&format!("{path}/index.html")) {
        Route::Redirect(mount_url(&mount_segments, inside))
    } else {
        Route::NotFound
    }
}

/// `/mount/a/b/`, each segment percent-encoded where needed. Never starts
/// with `//`, so a redirect cannot point at another host.
fn mount_url(mount: &[&str], inside: &[&str]) -> String {
    let mut url = String::from("/");
    for segment in mount.iter().chain(inside) {
        url.push_str(&percent_encode(segment));
        url.push('/');
    }
    url
}

/// Decodes `%XX` escapes; `None` for a malformed escape or bytes that are not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Encodes everything but unreserved characters and a few safe ones.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char);
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// The `Content-Type` of a built file, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        "vtt" => "text/vtt; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "webmanifest" => "application/manifest+json",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// The script that reloads a page when the site is rebuilt. It knows the
/// build the page came from: if the server reports another one (a rebuild
/// that happened while the page loaded, or a restarted server), it reloads.
/// It listens through the shared worker at [`WORKER_PATH`], so that open
/// pages share one connection, or, in a browser without shared workers, to
/// [`EVENTS_PATH`] itself.
pub fn reload_script(generation: u64) -> String {
    format!(
        "<script>(function(){{var built=\"{generation}\";\
if(window.SharedWorker){{var worker=new SharedWorker(\"{WORKER_PATH}\");\
worker.port.onmessage=function(e){{if(e.data!==built){{location.reload();}}}};return;}}\
var events=new EventSource(\"{EVENTS_PATH}\");\
events.onmessage=function(e){{if(e.data!==built){{events.close();location.reload();}}}};}})();</script>\n"
    )
}

/// Inserts the reload script before the last `</body>` (or at the end).
pub fn inject(html: &[u8], generation: u64) -> Vec<u8> {
    let script = reload_script(generation);
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The page shown instead of the site while the build has errors: the same
/// diagnostics as on the command line, and the reload script, so that fixing
/// the file brings the site back.
pub fn error_page(diagnostics: &[Diagnostic], summary: &str, generation: u64) -> String {
    let mut text = String::new();
    for d in diagnostics {
        text.push_str(&d.render(false));
    }
    text.push_str(summary);
    text.push('\n');
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>Build failed</title>\n<style>\n\
body{{font-family:system-ui,sans-serif;margin:2rem;line-height:1.4;color:#1a1a1a;background:#fff}}\n\
h1{{color:#a40000;font-size:1.6rem}}\n\
pre{{background:#f6f6f6;border-left:4px solid #a40000;padding:1rem;overflow-x:auto;font-size:1rem;white-space:pre-wrap}}\n\
@media (prefers-color-scheme: dark){{body{{color:#eee;background:#161616}}pre{{background:#222}}h1{{color:#ff7b7b}}}}\n\
</style>\n</head>\n<body>\n<h1>The site does not build</h1>\n\
<p>Fix what is listed below and save the file: this page reloads by itself.</p>\n\
<pre>{}</pre>\n{}</body>\n</html>\n",
        escape_html(&text),
        reload_script(generation)
    )
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(path: &str) -> bool {
        matches!(
            path,
            "index.html" | "stretches/a/index.html" | "css/style.css" | "404.html" | "a b.txt"
        )
    }

    #[test]
    fn maps_folders_to_their_index() {
        assert_eq!(route("/", "/", built), Route::File("index.html".into()));
        assert_eq!(
            route("/stretches/a/", "/", built),
            Route::File("stretches/a/index.html".into())
        );
        assert_eq!(
            route("/stretches/a/?x=1#top", "/", built),
            Route::File("stretches/a/index.html".into())
        );
        assert_eq!(
            route("/css/style.css", "/", built),
            Route::File("css/style.css".into())
        );
        assert_eq!(
            route("/a%20b.txt", "/", built),
            Route::File("a b.txt".into())
        );
    }

    #[test]
    fn accepts_the_absolute_form_and_still_refuses_parents() {
        assert_eq!(
            route("http://127.0.0.1:1111/stretches/a/", "/", built),
            Route::File("stretches/a/index.html".into())
        );
        assert_eq!(
            route("HTTP://localhost", "/", built),
            Route::File("index.html".into())
        );
        assert_eq!(
            route("http://x?a=1", "/", built),
            Route::File("index.html".into())
        );
        assert_eq!(
            route("https://x/%2e%2e/gen.toml", "/", built),
            Route::Forbidden
        );
        assert_eq!(route("ftp://x/index.html", "/", built), Route::BadRequest);
    }

    #[test]
    fn redirects_a_folder_without_its_slash() {
        assert_eq!(
            route("/stretches/a", "/", built),
            Route::Redirect("/stretches/a/".into())
        );
        assert_eq!(
            route("//stretches//a", "/", built),
            Route::Redirect("/stretches/a/".into())
        );
        // The query goes along; the fragment never reaches a server.
        assert_eq!(
            route("/stretches/a?x=1&y=%20#top", "/", built),
            Route::Redirect("/stretches/a/?x=1&y=%20".into())
        );
        assert_eq!(
            route("/stretches/a?", "/", built),
            Route::Redirect("/stretches/a/".into())
        );
        assert_eq!(
            route("/stretches/a?x=\u{e9}", "/", built),
            Route::Redirect("/stretches/a/".into())
        );
    }

    #[test]
    fn refuses_parent_segments_plain_and_encoded() {
        for target in [
            "/../Cargo.toml",
            "/stretches/../../gen.toml",
            "/%2e%2e/gen.toml",
            "/%2E%2E/gen.toml",
            "/..%2fgen.toml",
            "/stretches/a/..%2F..%2F..%2Fetc%2Fpasswd",
            "/.%2e/x",
            "/a%5c..%5cb",
            "/a%00b",
        ] {
            assert_eq!(route(target, "/", built), Route::Forbidden, "{target}");
        }
        assert_eq!(route("/%zz", "/", built), Route::BadRequest);
        assert_eq!(route("/%ff", "/", built), Route::BadRequest);
        assert_eq!(route("x", "/", built), Route::BadRequest);
    }

    #[test]
    fn serves_only_what_was_built() {
        assert_eq!(route("/gen.toml", "/", built), Route::NotFound);
        assert_eq!(route("/content/_index.md", "/", built), Route::NotFound);
        assert_eq!(route("/stretches/", "/", built), Route::NotFound);
    }

    #[test]
    fn serves_under_the_base_path() {
        assert_eq!(
            route("/", "/back/", built),
            Route::Redirect("/back/".into())
        );
        assert_eq!(
            route("/back", "/back/", built),
            Route::Redirect("/back/".into())
        );
        assert_eq!(
            route("/back/", "/back/", built),
            Route::File("index.html".into())
        );
        assert_eq!(
            route("/back/css/style.css", "/back/", built),
            Route::File("css/style.css".into())
        );
        assert_eq!(route("/css/style.css", "/back/", built), Route::NotFound);
        assert_eq!(
            route("/back/stretches/a", "/back/", built),
            Route::Redirect("/back/stretches/a/".into())
        );
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("css/style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("x.SVG"), "image/svg+xml");
        assert_eq!(content_type("fonts/a.woff2"), "font/woff2");
        assert_eq!(content_type("talk/steps.vtt"), "text/vtt; charset=utf-8");
        assert_eq!(content_type("audio/Breathe.MP3"), "audio/mpeg");
        assert_eq!(
            content_type("site.webmanifest"),
            "application/manifest+json"
        );
        assert_eq!(
            content_type("sitemap.xml"),
            "application/xml; charset=utf-8"
        );
        assert_eq!(content_type("noextension"), "application/octet-stream");
    }

    #[test]
    fn injects_before_the_last_body_end() {
        let html = inject(b"<html><body><p>x</p></BODY></html>", 7);
        let html = String::from_utf8(html).unwrap_or_default();
        let script = html.find("<script>").unwrap_or(usize::MAX);
        assert!(script < html.find("</BODY>").unwrap_or(0), "{html}");
        assert!(html.contains("var built=\"7\""), "{html}");
        let bare = String::from_utf8(inject(b"<p>x</p>", 1)).unwrap_or_default();
        assert!(bare.starts_with("<p>x</p><script>"), "{bare}");
    }

    #[test]
    fn error_page_escapes_the_diagnostics() {
        let d = Diagnostic::error("bad <b>title</b> & more").in_file("content/a.md");
        let page = error_page(&[d], "Build failed: 1 error.", 3);
        assert!(
            page.contains("bad &lt;b&gt;title&lt;/b&gt; &amp; more"),
            "{page}"
        );
        assert!(page.contains("--&gt; content/a.md"), "{page}");
        assert!(page.contains("Build failed: 1 error."), "{page}");
        assert!(page.contains(EVENTS_PATH), "{page}");
    }
}
