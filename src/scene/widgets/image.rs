//! A PNG image (8-bit RGB or RGBA) drawn into a rectangle; `DrawOn` fades it in.

use glam::Vec2;

use super::load::{spec, LoadCx, P};
use super::paint::PaintCx;
use super::state::ParamDef;
use super::widget::{Caps, Placed, Spec, Widget};
use crate::geom::Rect;
use crate::image::{ImageError, RgbaImage};
use crate::scene::error::SceneError;
use crate::scene::limits;
use crate::snapshot::ImageRef;
use crate::text::TextBlock;

spec!(
    /// A PNG image (8-bit RGB or RGBA) centred on `at`. `size` defaults to
    /// the image's own pixel size; give one side as 0 to keep the aspect ratio.
    ImageSpec {
        #[serde(default)]
        at: P,
        /// Path relative to the project root, e.g. "assets/images/x.png".
        path: String,
        size: Option<P>,
    }
);

/// A decoded PNG drawn into `rect`.
#[derive(Clone, Debug)]
pub struct Image {
    pub rect: Rect,
    pub image: ImageRef,
}

impl Spec for ImageSpec {
    type Widget = Image;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<Image>, SceneError> {
        let s = self;
        cx.finite("at", &[s.at.0, s.at.1])?;
        let file = cx.root.join(&s.path);
        cx.inputs.borrow_mut().push(file.clone());
        let img = RgbaImage::load_png_within(&file, limits::MAX_IMAGE_SIDE, limits::MAX_PNG_BYTES).map_err(
            |e| {
                let msg = match e {
                    ImageError::BadSize { .. } => format!("{}: {e}", file.display()),
                    _ => format!("cannot read image {}: {e}", file.display()),
                };
                cx.field_err("path", msg)
            },
        )?;
        let (iw, ih) = (img.width as f32, img.height as f32);
        let size = match s.size {
            None => Vec2::new(iw, ih),
            Some(P(w, h)) if w > 0.0 && h == 0.0 => Vec2::new(w, w * ih / iw),
            Some(P(w, h)) if w == 0.0 && h > 0.0 => Vec2::new(h * iw / ih, h),
            Some(P(w, h)) => Vec2::new(
                cx.positive("size.0", "width", w)?,
                cx.positive("size.1", "height", h)?,
            ),
        };
        let rect = Rect::from_center(cx.at(s.at), size);
        Ok(Placed::centred(
            Image {
                rect,
                image: ImageRef::new(img),
            },
            rect,
        ))
    }
}

impl Widget for Image {
    const PARAMS: &'static [ParamDef<Self>] = &[];
    fn text_blocks(&self) -> Vec<&TextBlock> {
        Vec::new()
    }
    fn caps(&self) -> Caps<'_> {
        Caps::NONE
    }
    fn paint(&self, cx: &mut PaintCx<'_>) {
        cx.p.image(self.rect, &self.image, cx.state.draw);
    }
}
