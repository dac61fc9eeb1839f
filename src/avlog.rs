//! FFmpeg's and libx264's log lines, through anim's own verbosity.
//!
//! By default libav prints `[libx264 @ 0x55d…] …` lines straight to stderr.
//! [`route`] replaces its log callback: errors are printed as
//! `libav: libx264: …` (anim's own error follows and says what failed);
//! warnings and information only with `anim -v`; debug chatter never.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use ffmpeg_next::sys;

static VERBOSE: AtomicBool = AtomicBool::new(false);

/// Installs the callback; with `verbose`, warnings and information are shown too.
pub fn route(verbose: bool) {
    VERBOSE.store(verbose, Ordering::Relaxed);
    // SAFETY: `callback` has the signature libav expects and is valid for the
    // whole program; libav calls it from any thread, and it only reads
    // what libav passes and writes to stderr.
    unsafe { sys::av_log_set_callback(Some(callback)) }
}

/// The most verbose level shown: errors, or with -v everything up to `AV_LOG_INFO`.
fn max_level() -> c_int {
    if VERBOSE.load(Ordering::Relaxed) {
        sys::AV_LOG_INFO
    } else {
        sys::AV_LOG_ERROR
    }
}

unsafe extern "C" fn callback(
    avcl: *mut c_void,
    level: c_int,
    fmt: *const c_char,
    vl: *mut sys::__va_list_tag,
) {
    if level > max_level() || fmt.is_null() {
        return;
    }
    let mut line = [0 as c_char; 1024];
    let mut print_prefix: c_int = 0;
    // SAFETY: `line` is writable for its length, and `fmt`/`vl` come from
    // libav's own call, which is what av_log_format_line2 expects.
    let n = unsafe {
        sys::av_log_format_line2(
            avcl,
            level,
            fmt,
            vl,
            line.as_mut_ptr(),
            line.len() as c_int,
            &mut print_prefix,
        )
    };
    if n < 0 {
        return;
    }
    // SAFETY: av_log_format_line2 always NUL-terminates within `line`.
    let text = unsafe { CStr::from_ptr(line.as_ptr()) }.to_string_lossy();
    let text = text.trim_end();
    if text.is_empty() {
        return;
    }
    // SAFETY: a non-null context passed to av_log starts with a pointer to its AVClass.
    let component = unsafe { class_name(avcl) }.unwrap_or_else(|| "ffmpeg".into());
    let _ = writeln!(std::io::stderr(), "libav: {component}: {text}");
}

/// The name of the libav component that logged (`libx264`, `mp4`, …).
///
/// # Safety
/// `avcl` is null or points to a struct whose first field is `*const AVClass`.
unsafe fn class_name(avcl: *mut c_void) -> Option<String> {
    if avcl.is_null() {
        return None;
    }
    // SAFETY: by the function's contract.
    let class = unsafe { *(avcl as *const *const sys::AVClass) };
    if class.is_null() {
        return None;
    }
    // SAFETY: a non-null AVClass has a static, NUL-terminated class_name and
    // an optional item_name that names this instance (the codec for an
    // AVCodecContext), as libav's own default callback uses them.
    let name = match unsafe { (*class).item_name } {
        Some(item_name) => unsafe { item_name(avcl) },
        None => unsafe { (*class).class_name },
    };
    if name.is_null() {
        return None;
    }
    // SAFETY: as above.
    Some(unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned())
}
