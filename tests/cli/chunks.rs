//! A video rendered as chunks (`--chunk I/N`) and joined with `anim splice`
//! is the file a single render writes; chunks that do not belong together
//! are refused.

use std::path::Path;
use std::process::Command;

use crate::support::{frame_md5s, mini, stderr, Project};

/// A video rendered as four chunks (on four machines, say) and spliced is
/// the file a single render writes; chunks of different renders are refused.
#[test]
fn chunks_spliced_are_a_single_render() {
    let ten = mini().replace("duration: 2.0", "duration: 10.0");
    let p = Project::new("chunks", &[("mini", &ten)]);
    for i in 1..=4 {
        let o = p.run(&["render", "--scene", "mini", "-q", "--chunk", &format!("{i}/4")]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let chunks: Vec<String> = (1..=4)
        .map(|i| {
            p.renders()
                .join(format!("mini-chunk{i}of4.mp4"))
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let joined = p.dir.join("joined/mini.mp4");
    let mut args = vec!["splice"];
    args.extend(chunks.iter().map(String::as_str));
    args.extend(["-o", joined.to_str().unwrap()]);
    let o = p.run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = p.run(&["render", "--scene", "mini", "--video-only", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let single = p.renders().join("mini.mp4");
    assert_eq!(
        frame_md5s(&joined),
        frame_md5s(&single),
        "the spliced chunks decode to other frames"
    );
    // The same packets, to the byte (the MP4 index may differ in the
    // advisory peak bitrate the muxer writes for copied streams).
    let packets = |path: &Path| {
        let o = Command::new("ffprobe")
            .args([
                "-v",
                "error",
                "-show_data_hash",
                "md5",
                "-show_entries",
                "packet=pts,dts,duration,flags,data_hash",
                "-of",
                "csv",
            ])
            .arg(path)
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    assert_eq!(packets(&joined).lines().count(), 300);
    assert_eq!(
        packets(&joined),
        packets(&single),
        "the spliced packets differ from a single render's"
    );
    // 5 segments of 2 s: a sixth chunk cannot be made; a chunk of another render does not join.
    let o = p.run(&["render", "--scene", "mini", "--chunk", "3/6"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("the video has 5 segments"), "{}", stderr(&o));
    let o = p.run(&[
        "render", "--scene", "mini", "-q", "--chunk", "2/4", "--size", "160x90",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let other = p.renders().join("mini-160x90-chunk2of4.mp4");
    let bad = p.dir.join("bad.mp4");
    let splice = |inputs: &[&str], want: &str| {
        let mut args = vec!["splice"];
        args.extend(inputs);
        args.extend(["-o", bad.to_str().unwrap()]);
        let o = p.run(&args);
        assert_eq!(o.status.code(), Some(2), "{inputs:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(want),
            "{inputs:?}: expected {want:?} in {}",
            stderr(&o)
        );
        assert!(!bad.exists(), "a refused splice wrote its output");
    };
    let c: Vec<&str> = chunks.iter().map(String::as_str).collect();
    splice(
        &[c[0], other.to_str().unwrap(), c[2], c[3]],
        "not made with the same settings",
    );
    // Every chunk, in order: a gap, a wrong order or a missing end is refused.
    splice(&[c[0], c[2], c[3]], "but chunk 2/4 (from frame 60) comes next");
    splice(&[c[1], c[0], c[2], c[3]], "is chunk 2/4");
    splice(&[c[0], c[1], c[2]], "3 of 4 chunks given");
    splice(
        &[single.to_str().unwrap()],
        "is not a chunk made by `anim render --chunk I/N`",
    );
    let o = p.run(&["splice", c[0], "-o", c[0]]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
