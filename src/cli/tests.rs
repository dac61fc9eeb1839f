//! The flags' parsing and the jobs they make.

use super::*;

#[test]
fn sizes_and_ranges() {
    assert_eq!(parse_size("1280x720"), Ok((1280, 720)));
    assert!(parse_size("1280").is_err());
    assert!(parse_size("ax720").is_err());
    assert_eq!(parse_range("0..60"), Ok((0, 60)));
    assert!(parse_range("60..0").is_err());
    assert_eq!(parse_chunk("2/4"), Ok((2, 4)));
    assert!(parse_chunk("0/4").is_err() && parse_chunk("5/4").is_err() && parse_chunk("2").is_err());
}

/// A bad value is clap's error, naming the flag, before anything runs.
#[test]
fn bad_values_are_usage_errors() {
    for (args, want) in [
        (
            &["anim", "render", "--all", "--frames", "6..2"][..],
            "the end must be after the start",
        ),
        (&["anim", "render", "--all", "--size", "12"], "expected WxH"),
        (
            &["anim", "render", "--scene", "a", "--chunk", "5/4"],
            "expected I/N",
        ),
        (
            &["anim", "preview", "--scene", "a", "--window", "axb"],
            "is not a whole number",
        ),
        (
            &["anim", "--backend", "metal", "list"],
            "[possible values: auto, vulkan, gl]",
        ),
    ] {
        let e = Cli::try_parse_from(args).unwrap_err();
        use clap::error::ErrorKind;
        assert!(
            matches!(e.kind(), ErrorKind::InvalidValue | ErrorKind::ValueValidation),
            "{args:?}: {:?}",
            e.kind()
        );
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains(want), "{args:?}: {e}");
    }
    let cli =
        Cli::try_parse_from(["anim", "--backend", "gl", "render", "--all", "--size", "640x360"]).unwrap();
    assert_eq!(cli.backend, Some(BackendChoice::Gl));
    let Command::Render(r) = cli.command else {
        panic!("not render")
    };
    assert_eq!(r.size, Some((640, 360)));
}

#[test]
fn manim_quality_flags_are_spelled_out() {
    let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
    assert_eq!(
        expand_quality_flags(args(&["anim", "render", "-ql", "-q", "--", "-qk"])),
        args(&["anim", "render", "--quality", "l", "-q", "--", "-qk"])
    );
    let cli = Cli::try_parse_from(expand_quality_flags(args(&[
        "anim", "render", "--all", "-qm", "-q",
    ])))
    .unwrap();
    let Command::Render(r) = cli.command else {
        panic!("not render")
    };
    assert_eq!(r.quality, Some(Quality::Medium));
    assert!(r.quiet);
}

/// Without the `video` feature a render writes the PNG only, and a flag
/// that asks for a video says why it cannot.
#[test]
fn the_video_feature_decides_the_default_outputs() {
    let render = |args: &[&str]| {
        let cli = Cli::try_parse_from(["anim", "render", "--scene", "a"].iter().chain(args)).unwrap();
        let Command::Render(r) = cli.command else {
            panic!("not render")
        };
        r.job(Path::new("/nonexistent"))
    };
    let job = render(&[]).unwrap();
    assert_eq!((job.png, job.video), (true, cfg!(feature = "video")));
    let e = render(&["--video-only"]).map(|j| j.video);
    if cfg!(feature = "video") {
        assert!(e.unwrap());
    } else {
        let e = e.unwrap_err().to_string();
        assert!(
            e.contains("--video-only asks for a video") && e.contains("`video` feature"),
            "{e}"
        );
    }
}

/// `--format` takes a list; a typo is clap's usage error at the flag, with a did-you-mean.
#[test]
fn formats_are_a_list() {
    let job = |args: &[&str]| {
        let cli = Cli::try_parse_from(["anim", "render", "--scene", "a"].iter().chain(args))?;
        let Command::Render(r) = cli.command else {
            panic!("not render")
        };
        Ok::<_, clap::Error>(r.job(Path::new("/nonexistent")))
    };
    if cfg!(feature = "video") {
        let j = job(&["--format", "png,webm,gif"]).unwrap().unwrap();
        assert_eq!(
            (j.png, j.video, j.web.clone()),
            (true, false, vec![Format::Webm, Format::Gif])
        );
        assert_eq!(j.gif, GifSize { width: 960, fps: 15 });
    } else {
        // Without FFmpeg the GIF (the gif crate) is still written; a WebM is refused by name.
        let j = job(&["--format", "png,gif"]).unwrap().unwrap();
        assert_eq!(j.web.clone(), vec![Format::Gif]);
        let e = job(&["--format", "webm"]).unwrap().unwrap_err().to_string();
        assert!(e.contains("without the `video` feature"), "{e}");
    }
    let e = job(&["--format", "png,wbm"]).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    let e = e.to_string();
    assert!(
        e.contains("--format") && e.contains("did you mean \"webm\""),
        "{e}"
    );
    let e = job(&["--format", "mp4", "--transparent"])
        .unwrap()
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("cannot carry alpha") || e.contains("without the `video` feature"),
        "{e}"
    );
    assert!(job(&["--format", "webm", "--png-only"]).is_err(), "conflicts");
}

#[test]
fn the_cli_is_well_formed() {
    use clap::CommandFactory;
    Cli::command().debug_assert();
}
