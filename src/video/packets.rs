//! Reading an earlier video's packets back ([`read_packets`]) and joining
//! chunk videos into one ([`splice`]) without decoding a frame.

use std::path::{Path, PathBuf};

use ffmpeg_next as ffmpeg;

use ffmpeg::{codec, encoder, format, Dictionary, Rational};

use super::settings::{init_ffmpeg, ChunkTag, VideoError};

/// One encoded H.264 packet, its times in frames (time base 1/fps), as read
/// back from an earlier video ([`read_packets`]) to be written again unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodedPacket {
    pub data: Vec<u8>,
    pub pts: i64,
    pub dts: i64,
    pub duration: i64,
    pub key: bool,
}

/// The video packets of the MP4 at `path` whose frame (pts) `wanted` picks, in
/// file (decode) order, with times in frames at `fps`. Only those are kept in
/// memory: at most the file's size.
pub fn read_packets(
    path: &Path,
    fps: u32,
    wanted: impl Fn(i64) -> bool,
) -> Result<Vec<EncodedPacket>, VideoError> {
    init_ffmpeg()?;
    let read_error = |source| VideoError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut input = format::input(&path).map_err(read_error)?;
    let stream = input
        .streams()
        .best(ffmpeg::media::Type::Video)
        .ok_or(ffmpeg::Error::StreamNotFound)
        .map_err(read_error)?;
    let (index, time_base) = (stream.index(), stream.time_base());
    // MP4 stores NAL units behind big-endian lengths (their size is in the
    // avcC box, the stream's extradata); the muxer is fed what libx264 gives,
    // NAL units behind start codes, and converts them itself.
    let length_size = match extradata(&stream).as_slice() {
        [1, _, _, _, sizes, ..] => usize::from(sizes & 3) + 1,
        _ => {
            return Err(VideoError::Read {
                path: path.to_path_buf(),
                source: ffmpeg::Error::InvalidData,
            })
        }
    };
    let frames = Rational::new(1, i32::try_from(fps).unwrap_or(i32::MAX));
    let mut packets = Vec::new();
    for (stream, mut packet) in input.packets() {
        if stream.index() != index {
            continue;
        }
        packet.rescale_ts(time_base, frames);
        if !wanted(packet.pts().unwrap_or(-1)) {
            continue;
        }
        let data = packet.data().unwrap_or_default();
        let data = annex_b(data, length_size).ok_or_else(|| VideoError::Read {
            path: path.to_path_buf(),
            source: ffmpeg::Error::InvalidData,
        })?;
        packets.push(EncodedPacket {
            data,
            pts: packet.pts().unwrap_or(0),
            dts: packet.dts().unwrap_or(0),
            duration: packet.duration(),
            key: packet.is_key(),
        });
    }
    Ok(packets)
}

/// A stream's codec extradata (for H.264 in MP4, the avcC box).
fn extradata(stream: &ffmpeg::format::stream::Stream) -> Vec<u8> {
    // SAFETY: the stream's codec parameters live as long as its input; extradata
    // is null or `extradata_size` bytes.
    unsafe {
        let par = (*stream.as_ptr()).codecpar;
        let (data, len) = ((*par).extradata, (*par).extradata_size);
        if data.is_null() || len <= 0 {
            Vec::new()
        } else {
            std::slice::from_raw_parts(data, len as usize).to_vec()
        }
    }
}

/// Joins videos that are consecutive parts of one render (`anim render
/// --chunk i/N`, given in order) into one MP4 at `output`, copying their
/// packets: each chunk is made of whole segments, each encoded on its own
/// ([`VideoEncoder::begin_segment`]), so the result is what a single render
/// writes. Chunks made with other settings (size, frame rate, encoder
/// parameters) are refused. Returns the frame count.
pub fn splice(chunks: &[PathBuf], output: &Path) -> Result<u64, VideoError> {
    init_ffmpeg()?;
    let read_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| VideoError::Read { path, source }
    };
    let write_error = |source| VideoError::Write {
        path: output.to_path_buf(),
        source,
    };
    let mut octx = format::output_as(&output, "mp4").map_err(|source| VideoError::CreateFile {
        path: output.to_path_buf(),
        source,
    })?;
    check_chunks(chunks)?;
    // (extradata, width, height, frame rate) of the first chunk, which the others must match.
    let mut first: Option<(Vec<u8>, i32, i32, Rational)> = None;
    let mut frames: i64 = 0;
    let mut ost_time_base = Rational::new(1, 1);
    for path in chunks {
        let mut input = format::input(path).map_err(read_error(path))?;
        let stream = input
            .streams()
            .best(ffmpeg::media::Type::Video)
            .ok_or(ffmpeg::Error::StreamNotFound)
            .map_err(read_error(path))?;
        let (index, time_base, rate) = (stream.index(), stream.time_base(), stream.avg_frame_rate());
        // SAFETY: as in `extradata`: codecpar lives as long as `input`.
        let (width, height) = unsafe {
            let par = (*stream.as_ptr()).codecpar;
            ((*par).width, (*par).height)
        };
        let this = (extradata(&stream), width, height, rate);
        match &first {
            None => {
                let mut ost = octx
                    .add_stream(encoder::find(codec::Id::None))
                    .map_err(write_error)?;
                ost.set_parameters(stream.parameters());
                ost.set_time_base(Rational::new(rate.denominator(), rate.numerator()));
                ost.set_rate(rate);
                ost.set_avg_frame_rate(rate);
                // SAFETY: the output stream's parameters belong to `octx`; a zero
                // tag lets the MP4 muxer choose its own for H.264.
                unsafe { (*ost.parameters().as_mut_ptr()).codec_tag = 0 };
                let mut header = Dictionary::new();
                header.set("movflags", "+faststart");
                octx.write_header_with(header).map_err(write_error)?;
                ost_time_base = octx.stream(0).map(|s| s.time_base()).ok_or(ffmpeg::Error::StreamNotFound).map_err(write_error)?;
                first = Some(this);
            }
            Some(f) if *f != this => {
                return Err(VideoError::InvalidSettings(format!(
                    "{} was not made with the same settings as {} (size, frame rate or encoder parameters differ): \
                     splice the chunks of one render",
                    path.display(),
                    chunks[0].display()
                )))
            }
            Some(_) => {}
        }
        if rate.numerator() <= 0 || rate.denominator() <= 0 {
            return Err(VideoError::InvalidSettings(format!(
                "{}: no frame rate",
                path.display()
            )));
        }
        let per_frame = Rational::new(rate.denominator(), rate.numerator());
        let mut count = 0;
        for (s, mut packet) in input.packets() {
            if s.index() != index {
                continue;
            }
            packet.rescale_ts(time_base, per_frame);
            packet.set_pts(packet.pts().map(|t| t + frames));
            packet.set_dts(packet.dts().map(|t| t + frames));
            packet.set_position(-1);
            packet.set_stream(0);
            packet.rescale_ts(per_frame, ost_time_base);
            packet.write_interleaved(&mut octx).map_err(write_error)?;
            count += 1;
        }
        frames += count;
    }
    if first.is_none() {
        return Err(VideoError::InvalidSettings("no chunks to splice".into()));
    }
    octx.write_trailer().map_err(write_error)?;
    Ok(frames as u64)
}

/// Checks that `chunks` are every chunk of one video, in order: each says
/// which it is in its `comment` ([`ChunkTag`]).
fn check_chunks(chunks: &[PathBuf]) -> Result<(), VideoError> {
    let mut tags = Vec::with_capacity(chunks.len());
    for path in chunks {
        let input = format::input(path).map_err(|source| VideoError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let tag = input
            .metadata()
            .get("comment")
            .and_then(ChunkTag::parse)
            .ok_or_else(|| {
                VideoError::InvalidSettings(format!(
                    "{} is not a chunk made by `anim render --chunk I/N`",
                    path.display()
                ))
            })?;
        tags.push(tag);
    }
    let Some(first) = tags.first() else {
        return Err(VideoError::InvalidSettings("no chunks to splice".into()));
    };
    let (count, total) = (first.count, first.total);
    let mut next = 0;
    for (k, (tag, path)) in tags.iter().zip(chunks).enumerate() {
        let expected = k as u32 + 1;
        if tag.count != count || tag.total != total {
            return Err(VideoError::InvalidSettings(format!(
                "{} is chunk {}/{} of a {}-frame video, not of the {}-frame video in {count} chunks the first one belongs to",
                path.display(),
                tag.index,
                tag.count,
                tag.total,
                total
            )));
        }
        if tag.index != expected || tag.start != next {
            return Err(VideoError::InvalidSettings(format!(
                "{} is chunk {}/{count} (frames {}..{}), but chunk {expected}/{count} (from frame {next}) comes next: \
                 give every chunk, in order",
                path.display(),
                tag.index,
                tag.start,
                tag.end
            )));
        }
        next = tag.end;
    }
    if tags.len() as u32 != count || next != total {
        return Err(VideoError::InvalidSettings(format!(
            "{} of {count} chunks given (frames 0..{next} of {total}): chunk {}/{count} and after are missing",
            tags.len(),
            tags.len() + 1
        )));
    }
    Ok(())
}

/// NAL units behind `length_size`-byte big-endian lengths (MP4) → behind
/// 4-byte start codes (what libx264 gives); `None` when a length runs past the end.
fn annex_b(mut data: &[u8], length_size: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() + 16);
    while !data.is_empty() {
        let (len, rest) = data.split_at_checked(length_size)?;
        let n = len.iter().fold(0usize, |n, &b| (n << 8) | usize::from(b));
        let (nal, rest) = rest.split_at_checked(n)?;
        out.extend_from_slice(&[0, 0, 0, 1]);
        out.extend_from_slice(nal);
        data = rest;
    }
    Some(out)
}
