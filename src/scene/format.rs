//! The scene file as written: serde structs for RON. Nothing here is
//! validated or resolved; `scene::load` turns it into the model in
//! `scene::model`. Field docs are the reference for docs/scene-format.md.

use serde::Deserialize;

/// `(x, y)` in scene units.
pub type P = (f32, f32);

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Scene")]
pub struct SceneFile {
    pub title: Option<String>,
    /// Output size in pixels at `--scale 1`.
    pub size: (u32, u32),
    #[serde(default = "default_fps")]
    pub fps: u32,
    /// Seconds.
    pub duration: f64,
    /// A theme colour name or `#hex`; default: the theme's `background`.
    pub background: Option<String>,
    /// Theme file, relative to the project root; default `assets/theme.ron`.
    pub theme: Option<String>,
    /// The time of the still PNG (default: `duration`, the final frame).
    pub still: Option<f64>,
    #[serde(default)]
    pub elements: Vec<ElementSpec>,
    #[serde(default)]
    pub timeline: Vec<StepSpec>,
}

fn default_fps() -> u32 {
    30
}

/// One element. Every element may have a `name` (needed to animate it or to
/// attach an arrow to it), an `opacity` and `hidden: true` (invisible until
/// an animation shows it).
#[derive(Debug, Deserialize)]
pub enum ElementSpec {
    Box(BoxSpec),
    Circle(CircleSpec),
    Line(LineSpec),
    Path(PathSpec),
    Arrow(ArrowSpec),
    Text(TextSpec),
    Group(GroupSpec),
    Image(ImageSpec),
    Tokens(TokensSpec),
    Bars(BarsSpec),
    LineChart(LineChartSpec),
    Distribution(DistributionSpec),
    LossCurve(LossCurveSpec),
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Common {
    pub name: Option<String>,
    pub opacity: Option<f32>,
    #[serde(default)]
    pub hidden: bool,
}

macro_rules! spec {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            pub name: Option<String>,
            pub opacity: Option<f32>,
            #[serde(default)]
            pub hidden: bool,
            $($(#[$fm])* pub $field: $ty),*
        }
        impl $name {
            pub fn common(&self) -> Common {
                Common { name: self.name.clone(), opacity: self.opacity, hidden: self.hidden }
            }
        }
    };
}

spec!(
    /// A rounded rectangle centred on `at`, optionally labelled.
    BoxSpec {
        at: P,
        size: P,
        radius: Option<f32>,
        fill: Option<String>,
        stroke: Option<String>,
        stroke_width: Option<f32>,
        label: Option<String>,
        label_size: Option<f32>,
        label_color: Option<String>,
        label_weight: Option<WeightSpec>,
        /// A second, smaller line under the label.
        caption: Option<String>,
        /// A dashed outline.
        #[serde(default)]
        dashed: bool,
    }
);

spec!(
    /// A circle centred on `at`.
    CircleSpec {
        at: P,
        radius: f32,
        fill: Option<String>,
        stroke: Option<String>,
        stroke_width: Option<f32>,
        label: Option<String>,
        label_size: Option<f32>,
        label_color: Option<String>,
    }
);

spec!(
    /// A polyline through `points`.
    LineSpec {
        points: Vec<P>,
        color: Option<String>,
        width: Option<f32>,
        #[serde(default)]
        closed: bool,
        #[serde(default)]
        dashed: bool,
    }
);

spec!(
    /// SVG path data (`M L H V C S Q T Z`), filled and/or stroked.
    PathSpec {
        d: String,
        fill: Option<String>,
        stroke: Option<String>,
        stroke_width: Option<f32>,
    }
);

/// Where an arrow starts or ends: `"element.anchor"` (anchors: center, left,
/// right, top, bottom, top_left, top_right, bottom_left, bottom_right) or a point.
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
pub enum EndSpec {
    Anchor(String),
    Point(P),
}

spec!(
    /// An arrow between two anchors or points. `bend` curves it: the control
    /// point is pushed sideways by `bend` × the arrow's length.
    ArrowSpec {
        from: EndSpec,
        to: EndSpec,
        bend: Option<f32>,
        color: Option<String>,
        width: Option<f32>,
        /// Gap left between the arrow and the boxes it joins.
        gap: Option<f32>,
        #[serde(default)]
        dashed: bool,
        label: Option<String>,
        label_size: Option<f32>,
        /// Offset of the label from the arrow's midpoint.
        label_offset: Option<P>,
        /// Intermediate points (a polyline arrow), used instead of `bend`.
        via: Option<Vec<P>>,
    }
);

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
pub enum WeightSpec {
    Regular,
    Medium,
    SemiBold,
    Bold,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
pub enum AlignSpec {
    Left,
    Center,
    Right,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
pub enum FontSpec {
    Sans,
    Mono,
}

spec!(
    /// Text. `at` is the centre of the block for `align: Center` (the
    /// default), its left middle for `Left`, right middle for `Right`.
    /// Placeholders `{value}` / `{value:.2}` show a number animated with
    /// `Count`; with `bind: "widget"`, placeholders read that widget's
    /// computed values (see docs/scene-format.md).
    TextSpec {
        at: P,
        text: String,
        size: Option<f32>,
        color: Option<String>,
        weight: Option<WeightSpec>,
        align: Option<AlignSpec>,
        font: Option<FontSpec>,
        value: Option<f64>,
        bind: Option<String>,
    }
);

spec!(
    /// A PNG image (8-bit RGB or RGBA) centred on `at`. `size` defaults to
    /// the image's own pixel size; give one side as 0 to keep the aspect ratio.
    ImageSpec {
        at: P,
        /// Path relative to the project root, e.g. "assets/images/x.png".
        path: String,
        size: Option<P>,
    }
);

spec!(
    /// A group: its children move, scale, rotate and fade together about `at`.
    GroupSpec {
        #[serde(default)]
        at: P,
        #[serde(default)]
        children: Vec<ElementSpec>,
    }
);

spec!(
    /// A row of token chips centred on `at`, each with its id underneath.
    TokensSpec {
        at: P,
        tokens: Vec<String>,
        ids: Option<Vec<i64>>,
        /// Chip height; the font size follows.
        height: Option<f32>,
        gap: Option<f32>,
        fill: Option<String>,
        stroke: Option<String>,
    }
);

spec!(
    /// A bar chart of declared values in a `size` box centred on `at`.
    BarsSpec {
        at: P,
        size: P,
        labels: Vec<String>,
        values: Vec<f64>,
        max: Option<f64>,
        color: Option<String>,
        /// Index of a bar drawn in the highlight colour.
        highlight: Option<usize>,
        highlight_color: Option<String>,
        /// Decimal places of the value printed over each bar; none hides them.
        decimals: Option<usize>,
        /// Append "%" and print values × 100.
        #[serde(default)]
        percent: bool,
        title: Option<String>,
    }
);

/// One line of a chart: inline `points` or two columns of a CSV file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesSpec {
    pub label: Option<String>,
    pub color: Option<String>,
    pub points: Option<Vec<(f64, f64)>>,
    /// CSV path relative to the project root, with a header row.
    pub csv: Option<String>,
    pub x: Option<String>,
    pub y: Option<String>,
    #[serde(default)]
    pub dashed: bool,
}

spec!(
    /// A line chart with axes. Its `progress` (0..=1, animate with `Reveal`)
    /// is the fraction of the x range drawn so far.
    LineChartSpec {
        at: P,
        size: P,
        series: Vec<SeriesSpec>,
        x_range: Option<(f64, f64)>,
        y_range: Option<(f64, f64)>,
        x_label: Option<String>,
        y_label: Option<String>,
        x_ticks: Option<Vec<f64>>,
        y_ticks: Option<Vec<f64>>,
        progress: Option<f64>,
        /// Vertical markers (x, label), e.g. checkpoints.
        markers: Option<Vec<(f64, String)>>,
        marker_color: Option<String>,
    }
);

spec!(
    /// Next-token probabilities computed from `logits`: softmax at
    /// `temperature`, then `top_k` and `top_p` filtering. With
    /// `trained_logits`, the `training` parameter (0..=1) moves the logits
    /// towards them. All parameters can be animated with `Set`.
    DistributionSpec {
        at: P,
        size: P,
        tokens: Vec<String>,
        logits: Vec<f64>,
        trained_logits: Option<Vec<f64>>,
        temperature: Option<f64>,
        top_k: Option<usize>,
        top_p: Option<f64>,
        /// Index of the correct next token (drawn in the "correct" colour).
        target: Option<usize>,
        #[serde(default)]
        highlight_argmax: bool,
        /// Draw the running cumulative sum (for nucleus sampling).
        #[serde(default)]
        cumulative: bool,
        /// 0..=1: how far the top-k/top-p filter is applied at the start (default 1).
        filter: Option<f64>,
        color: Option<String>,
        title: Option<String>,
    }
);

spec!(
    /// The curve L = −ln p for p in (0, 1], with a dot at the `bind`
    /// distribution's probability of its target token.
    LossCurveSpec {
        at: P,
        size: P,
        bind: String,
        y_max: Option<f64>,
        color: Option<String>,
    }
);

/// One timeline step. All kinds share these fields; each kind uses the
/// ones it needs and rejects the others (see docs/scene-format.md).
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct StepFields {
    pub target: Option<String>,
    pub targets: Option<Vec<String>>,
    /// Absolute start time in seconds.
    pub at: Option<f64>,
    /// Seconds after the previous step ends (or starts, with `with_previous`).
    pub delay: Option<f64>,
    #[serde(default)]
    pub with_previous: bool,
    pub dur: Option<f64>,
    pub ease: Option<EaseSpec>,
    /// Seconds between successive targets.
    pub stagger: Option<f64>,
    pub by: Option<P>,
    pub to: Option<ToSpec>,
    pub from: Option<f64>,
    pub path: Option<String>,
    pub param: Option<String>,
    pub into: Option<String>,
}

/// The value a step animates to: a number, a point or a colour.
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
pub enum ToSpec {
    Number(f64),
    Point(P),
    Name(String),
}

#[derive(Debug, Deserialize, Clone)]
pub enum StepSpec {
    FadeIn(StepFields),
    FadeOut(StepFields),
    DrawOn(StepFields),
    Write(StepFields),
    Move(StepFields),
    Scale(StepFields),
    Rotate(StepFields),
    Color(StepFields),
    Pulse(StepFields),
    Morph(StepFields),
    Follow(StepFields),
    Set(StepFields),
    Count(StepFields),
    Reveal(StepFields),
    Wait(StepFields),
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
pub enum EaseSpec {
    Linear,
    QuadIn,
    QuadOut,
    QuadInOut,
    CubicIn,
    CubicOut,
    #[default]
    CubicInOut,
    QuartIn,
    QuartOut,
    QuartInOut,
    BackOut,
    BackInOut,
    ElasticOut,
    Spring,
}
