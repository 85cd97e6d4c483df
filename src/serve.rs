//! `seam serve`: build the site into memory and serve it on loopback.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::link::Site;
use crate::render::OutputFile;

/// A built site held in memory, by URL path.
pub struct MemorySite {
    pages: HashMap<String, Vec<u8>>,
    assets: HashMap<String, PathBuf>,
}

impl MemorySite {
    /// Holds rendered files and the site's assets.
    pub fn new(files: Vec<OutputFile>, site: &Site) -> Self {
        MemorySite {
            pages: files.into_iter().map(|f| (f.path, f.contents)).collect(),
            assets: site
                .assets
                .iter()
                .map(|a| (a.rel.clone(), a.source.clone()))
                .collect(),
        }
    }

    /// The bytes and content type for a request path, or the 404 page.
    pub fn get(&self, path: &str) -> (u16, &'static str, Vec<u8>) {
        let path = path.split(['?', '#']).next().unwrap_or("");
        let path = percent_decode(path.trim_start_matches('/'));
        let candidates = if path.is_empty() || path.ends_with('/') {
            vec![format!("{path}index.html")]
        } else {
            vec![path.clone(), format!("{path}/index.html")]
        };
        for c in &candidates {
            if let Some(bytes) = self.pages.get(c) {
                return (200, content_type(c), bytes.clone());
            }
            if let Some(source) = self.assets.get(c)
                && let Ok(bytes) = std::fs::read(source)
            {
                return (200, content_type(c), bytes);
            }
        }
        (
            404,
            "text/html; charset=utf-8",
            self.pages.get("404.html").cloned().unwrap_or_default(),
        )
    }
}

/// Undoes `%XX` escapes; invalid UTF-8 becomes U+FFFD.
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// The `Content-Type` of a file by its extension.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "ics" => "text/calendar; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Serves `site` until the process is stopped.
pub fn serve(server: tiny_http::Server, site: MemorySite) {
    for request in server.incoming_requests() {
        let (status, content_type, body) = site.get(request.url());
        let header =
            tiny_http::Header::from_bytes("Content-Type", content_type).expect("valid header");
        let response = tiny_http::Response::from_data(body)
            .with_status_code(status)
            .with_header(header);
        let _ = request.respond(response);
    }
}
