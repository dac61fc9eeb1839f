//! The page's web server on 127.0.0.1: serves `seek.html`, the plan and the
//! videos (with Range requests, as a web server does), and passes what the
//! page posts back (frames, failures, the end) to the test as [`Message`]s.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::Duration;

use anim::image::RgbaImage;

/// What the page sends.
pub enum Message {
    Frame {
        video: usize,
        seek: usize,
        /// The `mediaTime` of the frame presented, in seconds.
        time: String,
        /// The video's `duration`, in seconds.
        duration: String,
        image: RgbaImage,
    },
    Fail(String),
    Done,
}

/// What the server serves.
pub struct Site {
    pub page: &'static str,
    pub plan: String,
    pub videos: Vec<Vec<u8>>,
    pub messages: Sender<Message>,
}

/// Accepts connections on a thread each until the test process ends.
pub fn serve(listener: TcpListener, site: Site) {
    let site = Arc::new(site);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let site = Arc::clone(&site);
            std::thread::spawn(move || {
                // The media player drops connections it no longer needs: not an error.
                let _ = handle(stream, &site);
            });
        }
    });
}

/// One request per connection (`Connection: close`).
fn handle(stream: TcpStream, site: &Site) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (method, target) = (
        parts.next().unwrap_or("").to_string(),
        parts.next().unwrap_or("").to_string(),
    );
    let (mut range, mut length) = (None, 0usize);
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "range" => range = Some(value.trim().to_string()),
                "content-length" => length = value.trim().parse().unwrap_or(0),
                _ => {}
            }
        }
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let mut out = stream;
    match (method.as_str(), path) {
        ("GET", "/") => respond(
            &mut out,
            "200 OK",
            "text/html; charset=utf-8",
            &[],
            site.page.as_bytes(),
        ),
        ("GET", "/plan.json") => respond(&mut out, "200 OK", "application/json", &[], site.plan.as_bytes()),
        ("GET", p) if p.starts_with("/video/") => {
            match p["/video/".len()..]
                .parse::<usize>()
                .ok()
                .and_then(|i| site.videos.get(i))
            {
                Some(bytes) => serve_bytes(&mut out, bytes, range.as_deref()),
                None => respond(&mut out, "404 Not Found", "text/plain", &[], b"no such video"),
            }
        }
        ("POST", "/frame" | "/fail" | "/done") => {
            let mut body = vec![0; length];
            reader.read_exact(&mut body)?;
            let message = match path {
                "/frame" => frame_message(query, body),
                "/fail" => Message::Fail(String::from_utf8_lossy(&body).into_owned()),
                _ => Message::Done,
            };
            let _ = site.messages.send(message);
            respond(&mut out, "204 No Content", "text/plain", &[], b"")
        }
        _ => respond(&mut out, "404 Not Found", "text/plain", &[], b"not found"),
    }
}

fn frame_message(query: &str, rgba: Vec<u8>) -> Message {
    let param = |key: &str| {
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
            .unwrap_or("")
            .to_string()
    };
    let (width, height) = (param("w").parse().unwrap_or(0), param("h").parse().unwrap_or(0));
    if rgba.len() != width as usize * height as usize * 4 {
        return Message::Fail(format!("/frame?{query}: {} bytes of pixels", rgba.len()));
    }
    Message::Frame {
        video: param("v").parse().unwrap_or(usize::MAX),
        seek: param("s").parse().unwrap_or(usize::MAX),
        time: param("t"),
        duration: param("d"),
        image: RgbaImage {
            width,
            height,
            data: rgba,
        },
    }
}

fn respond(
    out: &mut TcpStream,
    status: &str,
    kind: &str,
    headers: &[String],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n",
        body.len()
    );
    for h in headers {
        head.push_str(h);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    out.write_all(body)?;
    out.flush()
}

/// A file with Range support: `bytes=A-B`, `bytes=A-` and `bytes=-N` get
/// 206 Partial Content, no Range gets 200, an unsatisfiable one 416.
fn serve_bytes(out: &mut TcpStream, bytes: &[u8], range: Option<&str>) -> std::io::Result<()> {
    // A WebM starts with the EBML magic; everything else served is an MP4.
    let kind = if bytes.starts_with(&[0x1a, 0x45, 0xdf, 0xa3]) {
        "video/webm"
    } else {
        "video/mp4"
    };
    let accept = "Accept-Ranges: bytes".to_string();
    let Some(range) = range else {
        return respond(out, "200 OK", kind, &[accept], bytes);
    };
    let len = bytes.len();
    match byte_range(range, len) {
        Some((start, end)) => respond(
            out,
            "206 Partial Content",
            kind,
            &[accept, format!("Content-Range: bytes {start}-{end}/{len}")],
            &bytes[start..=end],
        ),
        None => respond(
            out,
            "416 Range Not Satisfiable",
            kind,
            &[accept, format!("Content-Range: bytes */{len}")],
            b"",
        ),
    }
}

/// The inclusive byte range a single-range `Range` header asks of `len` bytes.
fn byte_range(header: &str, len: usize) -> Option<(usize, usize)> {
    let spec = header.strip_prefix("bytes=")?.trim();
    let (a, b) = spec.split_once('-')?;
    if len == 0 || spec.contains(',') {
        return None;
    }
    let (start, end) = if a.is_empty() {
        let n: usize = b.parse().ok()?;
        (len.checked_sub(n.min(len)).filter(|_| n > 0)?, len - 1)
    } else {
        let start: usize = a.parse().ok()?;
        let end = if b.is_empty() {
            len - 1
        } else {
            b.parse::<usize>().ok()?.min(len - 1)
        };
        (start, end)
    };
    (start <= end).then_some((start, end))
}

#[test]
fn byte_ranges() {
    assert_eq!(byte_range("bytes=0-", 10), Some((0, 9)));
    assert_eq!(byte_range("bytes=2-4", 10), Some((2, 4)));
    assert_eq!(byte_range("bytes=5-99", 10), Some((5, 9)));
    assert_eq!(byte_range("bytes=-3", 10), Some((7, 9)));
    assert_eq!(byte_range("bytes=-30", 10), Some((0, 9)));
    assert_eq!(byte_range("bytes=10-", 10), None);
    assert_eq!(byte_range("bytes=4-2", 10), None);
    assert_eq!(byte_range("bytes=-0", 10), None);
    assert_eq!(byte_range("bytes=0-1,4-5", 10), None);
    assert_eq!(byte_range("items=0-1", 10), None);
}
